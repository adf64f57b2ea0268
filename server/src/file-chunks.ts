// A file's bytes in chunks of CHUNK_BYTES, read into one buffer that every chunk reuses: a traffic
// file of hundreds of MB then costs one small buffer, not a stream of fresh 1 MiB ones waiting for
// the garbage collector, and each chunk's text dies young instead of being promoted. Measured on
// `tapline diff --log` of a 10 and a 100 MB nginx log: peak RSS 171 → 216 MB with a fresh 1 MiB
// buffer per chunk (createReadStream), 130 → 138 MB with one reused 64 KiB buffer. A chunk is valid
// until the next one is asked for: the traffic readers copy what they keep (core/src/importers).
import { open } from 'node:fs/promises';

export const CHUNK_BYTES = 64 * 1024;

export async function* fileChunks(path: string, chunkBytes = CHUNK_BYTES): AsyncGenerator<Uint8Array> {
  const file = await open(path, 'r');
  try {
    const buffer = new Uint8Array(chunkBytes);
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, chunkBytes, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await file.close();
  }
}
