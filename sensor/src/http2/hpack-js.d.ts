// hpack.js ships no types: the part of its API the tests and benchmarks use (the sensor's reference
// HPACK decoder and the tests' encoder; `table.maxSize` is the option its Table reads).
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
    decompressor: { create(options: { table: { maxSize: number } }): Decompressor };
    compressor: { create(options: { table: { maxSize: number } }): Compressor };
  };
  // eslint-disable-next-line no-restricted-syntax -- the CommonJS module is the default export
  export default hpack;
}
