// The few host globals that both Node and browsers provide. `core/` is compiled without the
// Node or DOM typings so that nothing host-specific leaks in; these are the agreed exceptions.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  /** `stream: true` keeps a multi-byte character split across chunks for the next call. */
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}
declare function atob(data: string): string;
declare function btoa(data: string): string;
