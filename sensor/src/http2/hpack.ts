// HPACK (RFC 7541) decoding of one direction's header blocks. The decoder keeps the dynamic table
// across blocks, so one lost or undecodable block makes every later one unreadable: the session
// stops at the first failure. Fields beyond the header-size cap are dropped (and said so), never
// kept without bound. Written here rather than through hpack.js (a readable-stream Duplex and an
// array per decoded string): bench/hpack-decode.ts compares the two in one run, and
// test/unit/hpack-decoder.test.ts and test/fuzz/hpack.ts check they decode alike.
import type { HttpHeader } from '../../../core/src/protocol/transaction';
import { huffmanDecode } from './huffman';
import { STATIC_TABLE } from './hpack-static';

/**
 * Our table may be larger than the encoder's: indexes count from the newest entry, so entries
 * the encoder already evicted only linger unused. This bounds it (a peer announces at most this).
 */
const TABLE_CAPACITY = 64 * 1024;
/** Entries the table can hold at most: each costs at least 32 octets (§4.1). */
const RING = 1 << 11;
/** Integers take at most 4 continuation octets (28 bits): larger ones are no table index or length a peer sends. */
const MAX_CONTINUATION = 4;

class BlockError extends Error {}

const EMPTY = new Uint8Array(0);
const latin1Slice = Buffer.prototype.latin1Slice as (this: Uint8Array, from: number, to: number) => string;

export class HeaderBlockDecoder {
  /** The dynamic table, newest at `newest`, `count` entries back from it (wrapping). Entries are frozen: shared by every field that indexes them. */
  private readonly ring: HttpHeader[] = new Array<HttpHeader>(RING);
  private newest = RING - 1;
  private count = 0;
  private size = 0;
  private maxSize = TABLE_CAPACITY;
  private block: Uint8Array = EMPTY;
  private at = 0;
  /** Why the table was lost (set once; every later block is refused with it). */
  failure: string | undefined;
  /** The last block decoded had fields over the cap, which were dropped. */
  dropped = false;

  constructor(private readonly maxHeaderBytes: number) {}

  /** A SETTINGS_HEADER_TABLE_SIZE the other side announced; beyond our capacity we cannot follow. */
  allowTableSize(size: number): void {
    if (size > TABLE_CAPACITY) this.failure ??= 'HPACK table larger than the sensor follows';
  }

  /** One whole header block's fields (a fresh array, the caller's to keep), or undefined when it cannot be decoded (`failure` says why). */
  decode(block: Uint8Array): HttpHeader[] | undefined {
    if (this.failure !== undefined) return undefined;
    this.block = block;
    this.at = 0;
    this.dropped = false;
    const headers: HttpHeader[] = [];
    let bytes = 0;
    try {
      while (this.at < block.length) {
        const field = this.field();
        if (!field) continue; // a table size update
        bytes += field.name.length + field.value.length + 32; // RFC 9113's per-field accounting
        if (bytes > this.maxHeaderBytes) this.dropped = true;
        else headers.push(field);
      }
    } catch (e) {
      this.failure = `HPACK: ${e instanceof Error ? e.message : String(e)}`;
      return undefined;
    } finally {
      this.block = EMPTY;
    }
    return headers;
  }

  /** One representation (§6); undefined for a dynamic table size update. */
  private field(): HttpHeader | undefined {
    const b = this.block[this.at];
    if (b & 0x80) {
      const index = this.integer(7);
      if (index === 0) throw new BlockError('index 0');
      return this.entry(index);
    }
    if ((b & 0xe0) === 0x20) {
      // Tolerated anywhere in a block (§4.2 wants it first), as hpack.js does.
      const size = this.integer(5);
      if (size > TABLE_CAPACITY) throw new BlockError(`table size ${size} above the ${TABLE_CAPACITY} the sensor follows`);
      this.maxSize = size;
      this.evict(0);
      return undefined;
    }
    const indexed = (b & 0x40) !== 0;
    const nameIndex = this.integer(indexed ? 6 : 4);
    const name = nameIndex === 0 ? this.string() : this.entry(nameIndex).name;
    const value = this.string();
    if (!indexed) return { name, value };
    const field = Object.freeze({ name, value });
    this.add(field);
    return field;
  }

  private entry(index: number): HttpHeader {
    if (index <= STATIC_TABLE.length) return STATIC_TABLE[index - 1];
    const back = index - STATIC_TABLE.length - 1;
    if (back >= this.count) throw new BlockError(`index ${index} beyond the table`);
    return this.ring[(this.newest - back) & (RING - 1)];
  }

  private add(field: HttpHeader): void {
    const size = field.name.length + field.value.length + 32;
    // An entry larger than the table empties it and is not added (§4.4).
    this.evict(size);
    if (size > this.maxSize) return;
    this.newest = (this.newest + 1) & (RING - 1);
    this.ring[this.newest] = field;
    this.count++;
    this.size += size;
  }

  /** Evicts the oldest entries until `room` more octets fit. */
  private evict(room: number): void {
    while (this.count > 0 && this.size + room > this.maxSize) {
      const slot = (this.newest - this.count + 1) & (RING - 1);
      const old = this.ring[slot];
      this.size -= old.name.length + old.value.length + 32;
      this.ring[slot] = STATIC_TABLE[0]; // drop the reference
      this.count--;
    }
  }

  /** An integer with an N-bit prefix (§5.1) at the current octet. */
  private integer(prefix: number): number {
    const block = this.block;
    const max = (1 << prefix) - 1;
    let value = block[this.at++] & max;
    if (value < max) return value;
    for (let k = 0; k < MAX_CONTINUATION; k++) {
      if (this.at >= block.length) throw new BlockError('integer cut short');
      const b = block[this.at++];
      value += (b & 0x7f) * 2 ** (7 * k);
      if (!(b & 0x80)) return value;
    }
    throw new BlockError('integer longer than 28 bits');
  }

  /** A string literal (§5.2), as latin1 text (its octets). */
  private string(): string {
    if (this.at >= this.block.length) throw new BlockError('string cut short');
    const huffman = (this.block[this.at] & 0x80) !== 0;
    const length = this.integer(7);
    const from = this.at;
    const to = from + length;
    if (to > this.block.length) throw new BlockError('string longer than its block');
    this.at = to;
    if (!huffman) return latin1Slice.call(this.block, from, to);
    const text = huffmanDecode(this.block, from, to);
    if (text === undefined) throw new BlockError('invalid Huffman code');
    return text;
  }
}
