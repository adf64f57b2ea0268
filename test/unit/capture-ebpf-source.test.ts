// EbpfSource against a fake loader (a script speaking the loader's frames and exit codes), so
// start/ready, events, lost counters, error lines and stop are checked without root.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { CaptureEvent } from '../../sensor/src/capture/events';
import { EbpfSource, LoaderError } from '../../sensor/src/capture/ebpf-source';

const dir = mkdtempSync(join(tmpdir(), 'tapline-fake-loader-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// MODE: "ok" streams ready, open, data, two stats and waits for SIGTERM (then a final stats);
// "denied" fails like a non-root loader; "crash" dies after ready.
const FAKE = `#!${process.execPath}
const mode = process.env.FAKE_MODE;
const out = (rec) => { const h = Buffer.alloc(8); h.writeUInt32LE(0x314c5054, 0); h.writeUInt32LE(rec.length, 4); process.stdout.write(Buffer.concat([h, rec])); };
const ready = () => { const b = Buffer.alloc(16); b[0] = 5; b.writeUInt32LE(process.pid, 4); out(b); };
const stats = (lost) => { const b = Buffer.alloc(88); b[0] = 4; b.writeBigUInt64LE(BigInt(lost), 16); out(b); };
const tuple = (b, at) => { b[at + 10] = b[at + 11] = b[at + 26] = b[at + 27] = 0xff; b[at + 12] = b[at + 28] = 127; b[at + 15] = b[at + 31] = 1; b.writeUInt16LE(8080, at + 32); b.writeUInt16LE(40000, at + 34); b[at + 36] = 4; };
if (mode === 'denied') { process.stderr.write('tapline-loader: not root: missing capabilities CAP_BPF, CAP_PERFMON (run as root)\\n'); process.exit(3); }
process.on('SIGTERM', () => { stats(6); process.exit(0); }); // before anything the parent could react to
ready();
if (mode === 'crash') { process.stderr.write('tapline-loader: ring buffer poll failed: Bad file descriptor\\n'); process.exit(1); }
const open = Buffer.alloc(112); open[0] = 1; open[1] = 2; open.writeUInt32LE(77, 4); open.writeInt32LE(5, 8); open.writeUInt32LE(1, 12); tuple(open, 40); open.write('srv', 80); out(open);
const body = Buffer.from('GET / HTTP/1.1\\r\\n\\r\\n');
const data = Buffer.alloc(104 + body.length); data[0] = 2; data[3] = 2; data.writeUInt32LE(77, 8); data.writeInt32LE(5, 16); data.writeUInt32LE(1, 20); data.writeUInt32LE(body.length, 24); data.writeUInt32LE(body.length, 32); tuple(data, 48); data.write('srv', 88); body.copy(data, 104); out(data);
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
  let sawData!: () => void;
  const dataSeen = new Promise<void>((resolve) => (sawData = resolve));
  await withMode('ok', () =>
    source.start(
      (e) => {
        events.push(e);
        if (e.kind === 'lost' && e.count === 3) sawData();
      },
      (e) => errors.push(e),
    ),
  );
  await dataSeen;
  await source.stop();
  assert.deepEqual(errors, [], 'a requested stop is not an error');
  assert.deepEqual(
    events.map((e) => e.kind),
    ['open', 'data', 'lost', 'lost', 'lost'],
  );
  assert.deepEqual(
    events.filter((e) => e.kind === 'lost').map((e) => (e.kind === 'lost' ? e.count : 0)),
    [2, 3, 1],
    'deltas of the cumulative counter, including the final stats at stop',
  );
  const data = events[1];
  assert.ok(data?.kind === 'data');
  assert.equal(data.connectionId, '77:5:1');
  assert.equal(Buffer.from(data.data).toString(), 'GET / HTTP/1.1\r\n\r\n');
  const stats = source.stats();
  assert.equal(stats.lost, 6);
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
