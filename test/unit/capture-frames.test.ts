// The loader's frame decoder on synthetic frames built from layout.ts (checked against
// sensor/bpf/tapline.h by capture-layout.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CaptureEvent } from '../../sensor/src/capture/events';
import { FRAME_MAGIC, FrameDecoder, ipv6, type LoaderFrame } from '../../sensor/src/capture/frames';
import { CLOSE, COUNTER, DATA_HDR, OPEN, PROC, PROC_FLAG, READY, REC, STATS, TLS_LIB, TUPLE } from '../../sensor/src/capture/layout';

function frame(rec: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt32LE(FRAME_MAGIC, 0);
  h.writeUInt32LE(rec.length, 4);
  return Buffer.concat([h, rec]);
}

function comm(buf: Buffer, at: number, s: string): void {
  buf.write(s, at, 16, 'utf8');
}

/** tl_tuple at `at`: IPv4 stored as ::ffff:a.b.c.d with family 4. */
function tuple(buf: Buffer, at: number, family: 4 | 6, l: number[], lport: number, r: number[], rport: number): void {
  const la = at + TUPLE.laddr;
  const ra = at + TUPLE.raddr;
  if (family === 4) {
    buf[la + 10] = buf[la + 11] = 0xff;
    Buffer.from(l).copy(buf, la + 12);
    buf[ra + 10] = buf[ra + 11] = 0xff;
    Buffer.from(r).copy(buf, ra + 12);
  } else {
    Buffer.from(l).copy(buf, la);
    Buffer.from(r).copy(buf, ra);
  }
  buf.writeUInt16LE(lport, at + TUPLE.lport);
  buf.writeUInt16LE(rport, at + TUPLE.rport);
  buf[at + TUPLE.family] = family;
}

function openRec(): Buffer {
  const b = Buffer.alloc(OPEN.size);
  b[OPEN.type] = REC.open;
  b[OPEN.role] = 2; // server
  b.writeUInt32LE(4242, OPEN.tgid);
  b.writeInt32LE(17, OPEN.fd);
  b.writeUInt32LE(9, OPEN.gen);
  b.writeBigUInt64LE(123456789n, OPEN.ts);
  b.writeBigUInt64LE(77n, OPEN.cgroup);
  b.writeUInt32LE(5151, OPEN.peer_pid);
  tuple(b, OPEN.tuple, 4, [127, 0, 0, 1], 8080, [127, 0, 0, 1], 50000);
  comm(b, OPEN.comm, 'node');
  comm(b, OPEN.peer_comm, 'curl');
  return b;
}

function dataRec(payload: string, orig: number, opts: { dir?: 0 | 1; tls?: 0 | 1; ipv6?: boolean } = {}): Buffer {
  const data = Buffer.from(payload);
  const b = Buffer.alloc(DATA_HDR.size + data.length);
  b[DATA_HDR.type] = REC.data;
  b[DATA_HDR.dir] = opts.dir ?? 0;
  b[DATA_HDR.tls] = opts.tls ?? 0;
  b[DATA_HDR.role] = 2;
  b[DATA_HDR.last] = 1;
  b.writeUInt32LE(4242, DATA_HDR.tgid);
  b.writeUInt32LE(4243, DATA_HDR.tid);
  b.writeInt32LE(opts.ipv6 ? 18 : 17, DATA_HDR.fd); // another connection: a connection's tuple never changes
  b.writeUInt32LE(9, DATA_HDR.gen);
  b.writeUInt32LE(orig, DATA_HDR.orig_len);
  b.writeUInt32LE(0, DATA_HDR.offset);
  b.writeUInt32LE(data.length, DATA_HDR.len);
  b.writeBigUInt64LE(123456999n, DATA_HDR.ts);
  if (opts.ipv6) tuple(b, DATA_HDR.tuple, 6, [...Array(15).fill(0), 1], 8443, [...Array(15).fill(0), 1], 40000);
  else tuple(b, DATA_HDR.tuple, 4, [127, 0, 0, 1], 8080, [127, 0, 0, 1], 50000);
  comm(b, DATA_HDR.comm, 'node');
  data.copy(b, DATA_HDR.size);
  return b;
}

function closeRec(): Buffer {
  const b = Buffer.alloc(CLOSE.size);
  b[CLOSE.type] = REC.close;
  b.writeUInt32LE(4242, CLOSE.tgid);
  b.writeInt32LE(17, CLOSE.fd);
  b.writeUInt32LE(9, CLOSE.gen);
  b.writeBigUInt64LE(123457000n, CLOSE.ts);
  comm(b, CLOSE.comm, 'node');
  return b;
}

function statsRec(lost: bigint): Buffer {
  const b = Buffer.alloc(STATS.size);
  b[STATS.type] = REC.stats;
  b.writeBigUInt64LE(100n, STATS.counters + 8 * COUNTER.records);
  b.writeBigUInt64LE(lost, STATS.counters + 8 * COUNTER.lost);
  b.writeBigUInt64LE(2n, STATS.ssl_targets);
  return b;
}

function readyRec(): Buffer {
  const b = Buffer.alloc(READY.size);
  b[READY.type] = REC.ready;
  b.writeUInt32LE(999, READY.loader_pid);
  b.writeBigUInt64LE(2n, READY.ssl_targets);
  return b;
}

function procRec(pid: number, lib: number, version: string, name: string, flags = 0): Buffer {
  const b = Buffer.alloc(PROC.size);
  b[PROC.type] = REC.proc;
  b[PROC.lib] = lib;
  b[PROC.flags] = flags;
  b.writeUInt32LE(pid, PROC.tgid);
  comm(b, PROC.version, version);
  comm(b, PROC.comm, name);
  return b;
}

const request = 'GET /pets?limit=2 HTTP/1.1\r\nHost: x\r\n\r\n';
const stream = Buffer.concat([
  frame(readyRec()),
  frame(openRec()),
  frame(dataRec(request, request.length)),
  frame(dataRec('HTTP/1.1 200 OK\r\n', 70000, { dir: 1, tls: 1, ipv6: true })),
  frame(closeRec()),
  frame(statsRec(3n)),
]);

function events(frames: LoaderFrame[]): CaptureEvent[] {
  return frames.flatMap((f) => (f.type === 'event' ? [f.event] : []));
}

test('decodes each record type', () => {
  const d = new FrameDecoder();
  const frames = d.push(stream);
  assert.equal(d.badFrames, 0);
  assert.deepEqual(frames[0], { type: 'ready', loaderPid: 999, sslTargets: 2 });
  const [open, req, resp, close] = events(frames);
  assert.deepEqual(open, {
    kind: 'open',
    connectionId: '4242:17:9',
    pid: 4242,
    comm: 'node',
    timestampNs: 123456789n,
    role: 'server',
    tuple: { family: 4, localAddress: '127.0.0.1', localPort: 8080, remoteAddress: '127.0.0.1', remotePort: 50000 },
    cgroupId: 77n,
    peer: { pid: 5151, comm: 'curl' },
  });
  assert.ok(req?.kind === 'data');
  assert.equal(req.connectionId, '4242:17:9');
  assert.equal(req.direction, 'read');
  assert.equal(req.tls, false);
  assert.equal(req.role, 'server');
  assert.equal(Buffer.from(req.data).toString(), request);
  assert.equal(req.originalLength, request.length);
  assert.ok(resp?.kind === 'data');
  assert.equal(resp.direction, 'write');
  assert.equal(resp.tls, true);
  assert.equal(resp.originalLength, 70000, 'a capped call keeps the length it really moved');
  assert.equal(resp.connectionId, '4242:18:9');
  assert.deepEqual(resp.tuple, { family: 6, localAddress: '::1', localPort: 8443, remoteAddress: '::1', remotePort: 40000 });
  assert.deepEqual(close, { kind: 'close', connectionId: '4242:17:9', pid: 4242, comm: 'node', timestampNs: 123457000n });
  const stats = frames.at(-1);
  assert.ok(stats?.type === 'stats');
  assert.equal(stats.stats.lost, 3n);
  assert.equal(d.lostSince(stats.stats), 3);
  assert.equal(d.lostSince({ ...stats.stats, lost: 5n }), 2);
  assert.equal(d.lostSince({ ...stats.stats, lost: 5n }), 0);
  // Chunks the loader could not merge are drops too: every lost record is counted once.
  assert.equal(d.lostSince({ ...stats.stats, lost: 5n, mergeDropped: 4n }), 4);
  assert.equal(d.lostSince({ ...stats.stats, lost: 6n, mergeDropped: 4n }), 1);
});

test('frames that do not decode are counted as dropped at the next stats frame', () => {
  const d = new FrameDecoder();
  const garbage = Buffer.alloc(16, 0xee);
  garbage.writeUInt32LE(16, 0);
  d.push(garbage);
  assert.ok(d.badFrames > 0);
  const [stats] = d.push(frame(statsRec(0n)));
  assert.ok(stats?.type === 'stats');
  assert.equal(d.lostSince(stats.stats), d.badFrames);
});

test('the same frames whatever the chunk boundaries', () => {
  const whole = new FrameDecoder().push(stream);
  for (let i = 0; i <= stream.length; i++) {
    const d = new FrameDecoder();
    const got = [...d.push(stream.subarray(0, i)), ...d.push(stream.subarray(i))];
    assert.deepEqual(got, whole, `split at ${i}`);
    assert.equal(d.badFrames, 0);
  }
  const d = new FrameDecoder();
  const byByte: LoaderFrame[] = [];
  for (let i = 0; i < stream.length; i++) byByte.push(...d.push(stream.subarray(i, i + 1)));
  assert.deepEqual(byByte, whole);
});

test('data events do not alias the input buffer', () => {
  const input = Buffer.from(frame(dataRec('GET / HTTP/1.1\r\n\r\n', 18)));
  const [ev] = events(new FrameDecoder().push(input));
  input.fill(0);
  assert.ok(ev?.kind === 'data');
  assert.equal(Buffer.from(ev.data).toString(), 'GET / HTTP/1.1\r\n\r\n');
});

test('without copies, data events view the input (for stdout chunks nobody reuses)', () => {
  const input = Buffer.from(frame(dataRec('GET / HTTP/1.1\r\n\r\n', 18)));
  const [ev] = events(new FrameDecoder(false).push(input));
  assert.ok(ev?.kind === 'data');
  assert.equal(Buffer.from(ev.data).toString(), 'GET / HTTP/1.1\r\n\r\n');
  assert.equal(ev.data.buffer, input.buffer);
});

test('garbage is counted and skipped, never thrown', () => {
  const good = new FrameDecoder().push(stream);
  const badLength = Buffer.alloc(8);
  badLength.writeUInt32LE(FRAME_MAGIC, 0);
  badLength.writeUInt32LE(0xffffffff, 4);
  const unknownType = frame(Buffer.from([99, 1, 2, 3]));
  const shortOpen = frame(openRec().subarray(0, 50));
  const lying = dataRec('abc', 3);
  lying.writeUInt32LE(1000, 32); // claims more payload than the frame holds
  const smallerThanData = dataRec('abcdef', 2); // originalLength below the bytes present
  const badFamily = openRec();
  badFamily[40 + 36] = 9;
  const noise = Buffer.from('not a frame at all, just text\n');
  const mixed = Buffer.concat([
    noise,
    badLength,
    unknownType,
    shortOpen,
    frame(lying),
    frame(smallerThanData),
    frame(badFamily),
    stream,
  ]);
  for (const chunkSize of [1, 7, 64, mixed.length]) {
    const d = new FrameDecoder();
    const got: LoaderFrame[] = [];
    for (let i = 0; i < mixed.length; i += chunkSize) got.push(...d.push(mixed.subarray(i, i + chunkSize)));
    assert.deepEqual(got, good, `chunks of ${chunkSize}`);
    // noise and the bad length are one skipped run; each other bad frame counts once
    assert.equal(d.badFrames, 6, `bad frames counted (${d.badFrames})`);
  }
  const d = new FrameDecoder();
  for (let seed = 1; seed < 200; seed++) {
    const junk = Buffer.alloc(seed * 3);
    for (let i = 0; i < junk.length; i++) junk[i] = (seed * 131 + i * 7919) & 0xff;
    assert.doesNotThrow(() => d.push(junk));
  }
});

test('IPv6 addresses in their canonical text form', () => {
  const a = (hex: string): Uint8Array => Buffer.from(hex.replace(/ /g, ''), 'hex');
  assert.equal(ipv6(a('2001 0db8 0000 0000 0000 ff00 0042 8329')), '2001:db8::ff00:42:8329');
  assert.equal(ipv6(a('0000 0000 0000 0000 0000 0000 0000 0000')), '::');
  assert.equal(ipv6(a('fe80 0000 0000 0000 0202 b3ff fe1e 8329')), 'fe80::202:b3ff:fe1e:8329');
  assert.equal(ipv6(a('2001 0db8 0000 0001 0001 0001 0001 0001')), '2001:db8:0:1:1:1:1:1');
});

test('decodes the loader\'s process records (TLS library, Go version)', () => {
  const d = new FrameDecoder();
  const frames = d.push(Buffer.concat([frame(procRec(31337, TLS_LIB.TL_LIB_GO_TLS, 'go1.19.8', 'gotls')), frame(procRec(7, 99, '', 'x'.repeat(16), PROC_FLAG.TL_PROC_CIPHERTEXT))]));
  assert.equal(d.badFrames, 0);
  assert.deepEqual(frames, [
    { type: 'process', process: { pid: 31337, lib: TLS_LIB.TL_LIB_GO_TLS, version: 'go1.19.8', comm: 'gotls', ciphertext: false } },
    // An unknown library code is passed on: the visibility report decides what it means.
    { type: 'process', process: { pid: 7, lib: 99, version: '', comm: 'x'.repeat(16), ciphertext: true } },
  ]);
  // A truncated process record is a bad frame, not an exception.
  assert.deepEqual(d.push(frame(procRec(1, 1, '', 'a').subarray(0, PROC.size - 1))), []);
  assert.equal(d.badFrames, 1);
});
