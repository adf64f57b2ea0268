// The few host globals that both Node and browsers provide. `core/` is compiled without the
// Node or DOM typings so that nothing host-specific leaks in; these are the agreed exceptions.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: Uint8Array): string;
}
declare function atob(data: string): string;
declare function btoa(data: string): string;
