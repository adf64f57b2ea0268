// hpack.js ships no types: the part of its API the sensor uses.
declare module 'hpack.js' {
  interface HeaderField {
    name: string;
    value: string;
    neverIndex: boolean;
  }
  interface Decompressor {
    write(block: Buffer): void;
    /** Decodes what was written; throws on a malformed block. */
    execute(): void;
    /** The next decoded field, null when none is left. */
    read(): HeaderField | null;
  }
  interface Compressor {
    write(fields: { name: string; value: string }[]): void;
    read(): Buffer | null;
  }
  const hpack: {
    decompressor: { create(options: { table: { size: number } }): Decompressor };
    compressor: { create(options: { table: { size: number } }): Compressor };
  };
  // eslint-disable-next-line no-restricted-syntax -- the CommonJS module is the default export
  export default hpack;
}
