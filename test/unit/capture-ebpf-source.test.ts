// EbpfSource against a fake loader (a script speaking the loader's frames, laid out from layout.ts, and exit codes), so
// start/ready, events, lost counters, error lines and stop are checked without root.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { CaptureEvent } from '../../sensor/src/capture/events';
import { EbpfSource, LoaderError } from '../../sensor/src/capture/ebpf-source';
import { COUNTER, DATA_HDR, OPEN, READY, REC, STATS, TUPLE } from '../../sensor/src/capture/layout';

const dir = mkdtempSync(join(tmpdir(), 'tapline-fake-loader-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// MODE: "ok" streams ready, open, data, two stats and waits for SIGTERM (then a final stats);
// "denied" fails like a non-root loader; "crash" dies after ready.
const FAKE = `#!${process.execPath}
const mode = process.env.FAKE_MODE;
const out = (rec) => { const h = Buffer.alloc(8); h.writeUInt32LE(0x314c5054, 0); h.writeUInt32LE(rec.length, 4); process.stdout.write(Buffer.concat([h, rec])); };
const ready = () => { const b = Buffer.alloc(${READY.size}); b[0] = ${REC.ready}; b.writeUInt32LE(process.pid, ${READY.loader_pid}); out(b); };
const stats = (lost) => { const b = Buffer.alloc(${STATS.size}); b[0] = ${REC.stats}; b.writeBigUInt64LE(BigInt(lost), ${STATS.counters + 8 * COUNTER.lost}); out(b); };
const tuple = (b, at) => { b[at + 10] = b[at + 11] = b[at + ${TUPLE.raddr + 10}] = b[at + ${TUPLE.raddr + 11}] = 0xff; b[at + 12] = b[at + ${TUPLE.raddr + 12}] = 127; b[at + 15] = b[at + ${TUPLE.raddr + 15}] = 1; b.writeUInt16LE(8080, at + ${TUPLE.lport}); b.writeUInt16LE(40000, at + ${TUPLE.rport}); b[at + ${TUPLE.family}] = 4; };
if (mode === 'denied') { process.stderr.write('tapline-loader: not root: missing capabilities CAP_BPF, CAP_PERFMON (run as root)\\n'); process.exit(3); }
process.on('SIGTERM', () => { stats(6); process.exit(0); }); // before anything the parent could react to
ready();
if (mode === 'crash') { process.stderr.write('tapline-loader: ring buffer poll failed: Bad file descriptor\\n'); process.exit(1); }
const open = Buffer.alloc(${OPEN.size}); open[0] = ${REC.open}; open[${OPEN.role}] = 2; open.writeUInt32LE(77, ${OPEN.tgid}); open.writeInt32LE(5, ${OPEN.fd}); open.writeUInt32LE(1, ${OPEN.gen}); tuple(open, ${OPEN.tuple}); open.write('srv', ${OPEN.comm}); out(open);
const body = Buffer.from('GET / HTTP/1.1\\r\\n\\r\\n');
const data = Buffer.alloc(${DATA_HDR.size} + body.length); data[0] = ${REC.data}; data[${DATA_HDR.role}] = 2; data.writeUInt32LE(77, ${DATA_HDR.tgid}); data.writeInt32LE(5, ${DATA_HDR.fd}); data.writeUInt32LE(1, ${DATA_HDR.gen}); data.writeUInt32LE(body.length, ${DATA_HDR.orig_len}); data.writeUInt32LE(body.length, ${DATA_HDR.len}); tuple(data, ${DATA_HDR.tuple}); data.write('srv', ${DATA_HDR.comm}); body.copy(data, ${DATA_HDR.size}); out(data);
stats(2); stats(5);
process.stdout.write(Buffer.from('garbage!'));
setInterval(() => {}, 1000);
`;
const fake = join(dir, 'fake-loader');
writeFileSync(fake, FAKE);
chmodSync(fake, 0o755);

function withMode<T>(mode: string, fn: () => Promise<T>): Promise<T> {
  const prev = process.env.FAKE_MODE;
  process.env.FAKE_MODE = mode;
  return fn().finally(() => {
    if (prev === undefined) delete process.env.FAKE_MODE;
    else process.env.FAKE_MODE = prev;
  });
}

test('streams events and lost counts, stops cleanly', async () => {
  const events: CaptureEvent[] = [];
  const errors: Error[] = [];
  const source = new EbpfSource({ loaderPath: fake, excludePids: [4242], ports: [8080], capBytes: 1024, ssl: false });
  // The fake's writes reach us in chunks the pipe chooses, and a bad frame is counted with the
  // stats frame decoded after it: so the deltas vary (2 + 3, 3 + 2, 2 + 4…), their sum does not.
  // Wait for the kernel's 5 of the two running stats, whatever their split.
  let sawData!: () => void;
  const dataSeen = new Promise<void>((resolve) => (sawData = resolve));
  let lostSoFar = 0;
  await withMode('ok', () =>
    source.start(
      (e) => {
        events.push(e);
        if (e.kind === 'lost' && (lostSoFar += e.count) >= 5) sawData();
      },
      (e) => errors.push(e),
    ),
  );
  await dataSeen;
  await source.stop();
  assert.deepEqual(errors, [], 'a requested stop is not an error');
  assert.deepEqual(
    events.slice(0, 2).map((e) => e.kind),
    ['open', 'data'],
  );
  assert.ok(events.slice(2).every((e) => e.kind === 'lost'), 'only lost counts follow the data');
  // Deltas of the cumulative counters, including the final stats at stop: the kernel's 6 lost
  // records and the one frame that did not decode ("garbage!"), counted with the first stats
  // frame decoded after it (the one at stop at the latest, which always adds at least 1).
  const lost = events.filter((e) => e.kind === 'lost').map((e) => (e.kind === 'lost' ? e.count : 0));
  assert.ok(lost.length >= 2 && lost.length <= 3, `lost events: ${lost.join(', ')}`);
  assert.equal(source.stats().badFrames, 1);
  assert.equal(lost.reduce((a, b) => a + b, 0), 6 + 1, 'every lost record counted once');
  const data = events[1];
  assert.ok(data?.kind === 'data');
  assert.equal(data.connectionId, '77:5:1');
  assert.equal(Buffer.from(data.data).toString(), 'GET / HTTP/1.1\r\n\r\n');
  const stats = source.stats();
  assert.equal(stats.lost, 7);
  assert.equal(stats.events, 2);
  assert.equal(stats.badFrames, 1, 'the trailing garbage is counted');
});

test('flags passed to the loader', () => {
  const args = new EbpfSource({ excludePids: [4242], pids: [1], comms: ['node'], cgroup: '/sys/fs/cgroup/x', ports: [80], capBytes: 2048, ssl: false, sslPaths: ['/opt/libssl.so.3'] }).args();
  assert.deepEqual(args, [
    '--exclude-pid', String(process.pid), '--exclude-pid', '4242', '--pid', '1', '--comm', 'node',
    '--cgroup', '/sys/fs/cgroup/x', '--port', '80', '--cap', '2048', '--no-ssl', '--ssl-path', '/opt/libssl.so.3',
  ]);
});

test("the loader's one-line error rejects start, with its exit code", async () => {
  const source = new EbpfSource({ loaderPath: fake });
  await withMode('denied', () =>
    assert.rejects(source.start(() => {}, () => {}), (err: unknown) => {
      assert.ok(err instanceof LoaderError);
      assert.equal(err.message, 'not root: missing capabilities CAP_BPF, CAP_PERFMON (run as root)');
      assert.equal(err.exitCode, 3);
      return true;
    }),
  );
});

test('a loader dying after start is reported through onError', async () => {
  const source = new EbpfSource({ loaderPath: fake });
  const failed = new Promise<Error>((resolve) => void withMode('crash', () => source.start(() => {}, resolve)));
  const err = await failed;
  assert.ok(err instanceof LoaderError);
  assert.equal(err.message, 'ring buffer poll failed: Bad file descriptor');
  assert.equal(err.exitCode, 1);
  await source.stop();
});

test('a missing loader is a clear error', async () => {
  const source = new EbpfSource({ loaderPath: join(dir, 'nope') });
  await assert.rejects(source.start(() => {}, () => {}), /eBPF loader not found at .*nope: build it with "make -C sensor\/bpf"/);
});
