// HPACK's Huffman code (RFC 7541 §5.2, Appendix B), decoding only. The code is canonical: codes
// of one length are consecutive and ordered by symbol, and each length's first code follows the
// last code of the length before, shifted. So the code lengths alone define it, and a decoder
// needs, per length, its first code and where its symbols start in the symbol order.
// test/unit/hpack-decoder.test.ts checks every code against hpack.js's table.

/** Symbols by code length (Appendix B): printable ASCII as text, the others as numbers. 256 is EOS. */
const BY_LENGTH: ReadonlyArray<readonly [number, string | readonly number[]]> = [
  [5, '012aceiost'],
  [6, ' %-./3456789=A_bdfghlmnpru'],
  [7, ':BCDEFGHIJKLMNOPQRSTUVWYjkqvwxyz'],
  [8, '&*,;XZ'],
  [10, '!"()?'],
  [11, "'+|"],
  [12, '#>'],
  [13, [0, 36, 64, 91, 93, 126]],
  [14, '^}'],
  [15, '<`{'],
  [19, [92, 195, 208]],
  [20, [128, 130, 131, 162, 184, 194, 224, 226]],
  [21, [153, 161, 167, 172, 176, 177, 179, 209, 216, 217, 227, 229, 230]],
  [22, [129, 132, 133, 134, 136, 146, 154, 156, 160, 163, 164, 169, 170, 173, 178, 181, 185, 186, 187, 189, 190, 196, 198, 228, 232, 233]],
  [23, [1, 135, 137, 138, 139, 140, 141, 143, 147, 149, 150, 151, 152, 155, 157, 158, 165, 166, 168, 174, 175, 180, 182, 183, 188, 191, 197, 231, 239]],
  [24, [9, 142, 144, 145, 148, 159, 171, 206, 215, 225, 236, 237]],
  [25, [199, 207, 234, 235]],
  [26, [192, 193, 200, 201, 202, 205, 210, 213, 218, 219, 238, 240, 242, 243, 255]],
  [27, [203, 204, 211, 212, 214, 221, 222, 223, 241, 244, 245, 246, 247, 248, 250, 251, 252, 253, 254]],
  [28, [2, 3, 4, 5, 6, 7, 8, 11, 12, 14, 15, 16, 17, 18, 19, 20, 21, 23, 24, 25, 26, 27, 28, 29, 30, 31, 127, 220, 249]],
  [30, [10, 13, 22, 256]],
];

export const EOS = 256;
const MAX_LENGTH = 30;

/** Symbols in canonical order (by length, then by value). */
const SYMBOLS = new Uint16Array(257);
/** Per length: its first code, and the index in SYMBOLS of that code's symbol (-1 when no code has it). */
const FIRST_CODE = new Int32Array(MAX_LENGTH + 1);
const FIRST_INDEX = new Int32Array(MAX_LENGTH + 1).fill(-1);
const COUNT = new Int32Array(MAX_LENGTH + 1);
/** For each 8-bit prefix: (length << 9) | symbol of a code of at most 8 bits it starts with, else 0. */
const BYTE_TABLE = new Uint16Array(256);

let scratch = new Uint8Array(256);
const latin1Slice = Buffer.prototype.latin1Slice as (this: Uint8Array, from: number, to: number) => string;

/** Code and length of each symbol (for the check against another table). */
export const CODES: Array<{ code: number; length: number }> = [];

(function build(): void {
  let n = 0;
  for (const [length, symbols] of BY_LENGTH) {
    FIRST_INDEX[length] = n;
    for (const s of symbols) SYMBOLS[n++] = typeof s === 'string' ? s.charCodeAt(0) : s;
    COUNT[length] = symbols.length;
  }
  if (n !== 257) throw new Error(`HPACK Huffman table has ${n} symbols`);
  let code = 0;
  for (let length = 1; length <= MAX_LENGTH; length++) {
    FIRST_CODE[length] = code;
    for (let k = 0; k < COUNT[length]; k++) {
      const symbol = SYMBOLS[FIRST_INDEX[length] + k];
      CODES[symbol] = { code: code + k, length };
      if (length <= 8) {
        // Every byte that starts with this code decodes to it.
        const shift = 8 - length;
        for (let low = 0; low < 1 << shift; low++) BYTE_TABLE[((code + k) << shift) | low] = (length << 9) | symbol;
      }
    }
    code = (code + COUNT[length]) << 1;
  }
})();

/**
 * The octets `bytes[from, to)` decoded as latin1 text (HPACK strings are octets; hpack.js gives
 * them the same way). Undefined when the input is not a valid encoding: EOS inside it, padding
 * longer than 7 bits or not all ones (§5.2).
 */
export function huffmanDecode(bytes: Uint8Array, from: number, to: number): string | undefined {
  // At most 8 symbols per 5 bits (the shortest code): decoded into a scratch buffer, one string at the end.
  const most = Math.ceil(((to - from) * 8) / 5);
  if (scratch.length < most) scratch = new Uint8Array(Math.max(most, scratch.length * 2));
  const out = scratch;
  let n = 0;
  // `acc` holds the `bits` unread bits (at most 15), most significant first.
  let acc = 0;
  let bits = 0;
  let i = from;
  for (;;) {
    if (bits < 8) {
      if (i < to) {
        acc = ((acc << 8) | bytes[i++]) & 0xffff;
        bits += 8;
      } else break;
    }
    const entry = BYTE_TABLE[(acc >>> (bits - 8)) & 0xff];
    if (entry !== 0) {
      out[n++] = entry & 0x1ff;
      bits -= entry >>> 9;
      continue;
    }
    // A code longer than 8 bits: one bit at a time from its 8-bit prefix.
    let code = (acc >>> (bits - 8)) & 0xff;
    bits -= 8;
    let length = 8;
    let symbol = -1;
    while (length < MAX_LENGTH) {
      if (bits === 0) {
        if (i >= to) return undefined; // a code cut by the end of the string (more than 7 bits of padding)
        acc = bytes[i++];
        bits = 8;
      }
      bits--;
      code = (code << 1) | ((acc >>> bits) & 1);
      length++;
      const offset = code - FIRST_CODE[length];
      if (offset >= 0 && offset < COUNT[length]) {
        symbol = SYMBOLS[FIRST_INDEX[length] + offset];
        break;
      }
    }
    if (symbol < 0 || symbol === EOS) return undefined;
    out[n++] = symbol;
  }
  // Fewer than 8 bits left: whole codes of 5–7 bits, then the padding (EOS's leading ones).
  while (bits >= 5) {
    const pad = 8 - bits;
    const entry = BYTE_TABLE[((acc << pad) | ((1 << pad) - 1)) & 0xff];
    if (entry === 0 || entry >>> 9 > bits) break;
    out[n++] = entry & 0x1ff;
    bits -= entry >>> 9;
  }
  const mask = (1 << bits) - 1;
  return (acc & mask) === mask ? latin1Slice.call(out, 0, n) : undefined;
}
