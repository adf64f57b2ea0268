// Drops are exact, with the real kernel: a loader whose output is not read (a consumer too slow)
// stops draining its 1 MiB ring buffer while a traced server answers N requests; the kernel then
// drops records, and what was sent (one record per request read, one per response written, the
// accept and the close) must equal what was delivered plus what the stats say was dropped.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { test } from 'node:test';
import { FrameDecoder, type LoaderFrame } from '../../sensor/src/capture/frames';
import { gate, lineFrom, loaderPath } from './ebpf-helpers';

const REQUESTS = 3000;
// ~1 KiB a response: 3000 exchanges are about 3.5 MiB of records, over the ring buffer and the pipe.
const SERVER = `
const body = 'x'.repeat(900);
require('node:http').createServer((req, res) => { req.resume(); req.on('end', () => res.end(body)); })
  .on('connection', (s) => s.on('close', () => console.log('closed')))
  .listen(0, '127.0.0.1', function () { console.log('port ' + this.address().port); });
`;

test('beyond what the consumer keeps up with, every dropped record is counted: sent = delivered + dropped', { timeout: 60_000 }, async (t) => {
  if (!gate(t)) return;
  const server = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => server.kill('SIGKILL'));
  const port = Number((await lineFrom(server, /port (\d+)/))[1]);
  const serverClosed = lineFrom(server, /closed/);
  const loader = spawn(loaderPath, ['--pid', String(server.pid), '--ringbuf-mb', '1', '--no-ssl'], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => loader.kill('SIGKILL'));
  const decoder = new FrameDecoder();
  const frames: LoaderFrame[] = [];
  let dropped = 0;
  const onFrames = (chunk: Buffer): void => {
    for (const f of decoder.push(chunk)) {
      if (f.type === 'stats') dropped += decoder.lostSince(f.stats);
      frames.push(f);
    }
  };
  loader.stdout.on('data', onFrames);
  await new Promise<void>((resolve, reject) => {
    const check = (): void => {
      if (frames.some((f) => f.type === 'ready')) resolve();
    };
    loader.stdout.on('data', check);
    loader.once('exit', (code) => reject(new Error(`the loader exited (${code}) before it was ready`)));
  });
  // The consumer stalls: nothing more is read from the loader, whose writes then block.
  loader.stdout.pause();

  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  for (let i = 0; i < REQUESTS; i++) {
    await new Promise<void>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: `/items/${i}`, agent }, (res) => res.resume().on('end', resolve)).on('error', reject);
    });
  }
  agent.destroy();
  // The server's close of that connection is the last record it sends: only then may the
  // consumer catch up and the loader stop, or the close could come after its last look.
  await serverClosed;
  loader.stdout.resume();
  loader.kill('SIGTERM');
  await once(loader, 'exit');

  const events = frames.filter((f) => f.type === 'event').map((f) => (f.type === 'event' ? f.event : undefined));
  const data = events.filter((e) => e?.kind === 'data' && e.pid === server.pid).length;
  const opens = events.filter((e) => e?.kind === 'open' && e.pid === server.pid).length;
  const closes = events.filter((e) => e?.kind === 'close' && e.pid === server.pid).length;
  const sent = 2 * REQUESTS + 2;
  t.diagnostic(`sent ${sent} records: delivered ${data} data + ${opens} open + ${closes} close, dropped ${dropped}`);
  assert.ok(dropped > 0, `the stalled consumer made the kernel drop records (delivered ${data} data, ${opens} open, ${closes} close)`);
  assert.equal(data + opens + closes + dropped, sent, `sent ${sent} = delivered ${data} data + ${opens} open + ${closes} close + dropped ${dropped}`);
});
