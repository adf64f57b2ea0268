// `tapline diff --desync`: desync events recorded from the sensor's pipeline (every smuggling
// shape) become request-desync findings with their client; bad lines are reported, not fatal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runCli, type CliIo } from '../../server/src/cli/run';
import { Pipeline } from '../../sensor/src/pipeline/pipeline';
import { Redactor } from '../../core/src/redaction/redactor';
import type { DesyncEvent } from '../../core/src/protocol/desync';
import { SMUGGLING_SHAPES } from '../fixtures/http/smuggling-shapes';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SPEC = 'test/fixtures/openapi/oai/v3.0/petstore.yaml';

function capture(): string {
  const events: DesyncEvent[] = [];
  const pipe = new Pipeline({ maxBody: 4096, redactor: new Redactor(), idPrefix: 's', onTransaction: () => undefined, onDesync: (e) => events.push(e), maxDesyncPerSecond: 1000, processInfo: { containerId: () => undefined } as never });
  let ns = 1n;
  SMUGGLING_SHAPES.forEach((shape, i) => {
    const id = `c${i}`;
    pipe.push({ kind: 'open', connectionId: id, pid: 20, comm: 'node', timestampNs: (ns += 1n), role: 'server', tuple: { family: 4, localAddress: '127.0.0.1', localPort: 8080, remoteAddress: '10.0.0.7', remotePort: 40000 + i }, cgroupId: 1n });
    const data = Buffer.from(shape.bytes, 'latin1');
    pipe.push({ kind: 'data', connectionId: id, pid: 20, comm: 'node', timestampNs: (ns += 1n), direction: 'read', tls: false, data, originalLength: data.length });
  });
  assert.equal(events.length, SMUGGLING_SHAPES.length);
  const lines = [JSON.stringify({ type: 'stats', at: 1, uptimeMs: 1, counters: { ...pipe.counters, queueDropped: 0 } }), 'not json', JSON.stringify({ type: 'desync', items: [{ id: 'x' }] })];
  for (const e of events) lines.push(JSON.stringify({ type: 'desync', items: [e] }));
  lines.push(JSON.stringify({ type: 'desync', items: events.slice(0, 2) })); // replayed to a later client: not counted twice
  return lines.join('\n') + '\n';
}

async function run(file: string, ...extra: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { cwd: ROOT, readFile: (p) => (p === 'capture.ndjson' ? file : readFileSync(path.resolve(ROOT, p), 'utf8')), stdout: (t) => (out += t), stderr: (t) => (err += t), version: 'test' };
  const code = await runCli(['diff', '--spec', SPEC, '--desync', 'capture.ndjson', ...extra], io);
  return { code, out, err };
}

test('every desync rule of the capture is a request-desync finding naming its client; bad lines are reported', async () => {
  const r = await run(capture(), '--format', 'json');
  assert.equal(r.code, 1);
  const doc = JSON.parse(r.out) as { findings: { code: string; message: string; count: number; service: string }[] };
  const rules = new Set(SMUGGLING_SHAPES.map((s) => s.rule));
  assert.equal(doc.findings.length, rules.size);
  assert.equal(doc.findings.reduce((n, f) => n + f.count, 0), SMUGGLING_SHAPES.length);
  for (const f of doc.findings) {
    assert.equal(f.code, 'request-desync');
    assert.equal(f.service, '127.0.0.1:8080');
    assert.match(f.message, /^10\.0\.0\.7 \(port \d+/);
  }
  assert.match(r.err, /line 2: not valid JSON/);
  assert.match(r.err, /line 3: \$\.items\[0\]/);
});

test('--severity request-desync=off silences them; an unreadable capture is exit 2', async () => {
  const off = await run(capture(), '--severity', 'request-desync=off');
  assert.equal(off.code, 0);
  assert.match(off.out, /No findings/);
  let err = '';
  const code = await runCli(['diff', '--spec', SPEC, '--desync', 'missing.ndjson'], { cwd: ROOT, readFile: () => undefined, stdout: () => undefined, stderr: (t) => (err += t), version: 't' });
  assert.equal(code, 2);
  assert.match(err, /cannot read/);
});
