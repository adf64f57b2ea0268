// HPACK (RFC 7541) decoding of one direction's header blocks with hpack.js. The decoder keeps
// the dynamic table across blocks, so one lost or undecodable block makes every later one
// unreadable: the session stops at the first failure. Fields beyond the header-size cap are
// dropped (and said so), never kept without bound.
import hpack from 'hpack.js';
import type { HttpHeader } from '../../../core/src/protocol/transaction';

export type DecodedBlock = { ok: true; headers: HttpHeader[]; dropped: boolean } | { ok: false; reason: string };

/**
 * Our table may be larger than the encoder's: indexes count from the newest entry, so entries
 * the encoder already evicted only linger unused. This bounds it (a peer announces at most this).
 */
const TABLE_CAPACITY = 64 * 1024;

export class HeaderBlockDecoder {
  private readonly decompressor = hpack.decompressor.create({ table: { size: TABLE_CAPACITY } });
  private broken = false;

  constructor(private readonly maxHeaderBytes: number) {}

  /** A SETTINGS_HEADER_TABLE_SIZE the other side announced; beyond our capacity we cannot follow. */
  allowTableSize(size: number): void {
    if (size > TABLE_CAPACITY) this.broken = true;
  }

  decode(parts: readonly Uint8Array[]): DecodedBlock {
    if (this.broken) return { ok: false, reason: 'HPACK table larger than the sensor follows' };
    const block = parts.length === 1 ? Buffer.from(parts[0].buffer, parts[0].byteOffset, parts[0].length) : Buffer.concat(parts);
    const headers: HttpHeader[] = [];
    let bytes = 0;
    let dropped = false;
    try {
      this.decompressor.write(block);
      this.decompressor.execute();
      for (let field = this.decompressor.read(); field !== null; field = this.decompressor.read()) {
        bytes += field.name.length + field.value.length + 32; // RFC 9113's per-field accounting
        if (bytes > this.maxHeaderBytes) {
          dropped = true;
          continue;
        }
        headers.push({ name: field.name, value: field.value });
      }
    } catch (e) {
      this.broken = true;
      return { ok: false, reason: `HPACK: ${e instanceof Error ? e.message : String(e)}` };
    }
    return { ok: true, headers, dropped };
  }
}
