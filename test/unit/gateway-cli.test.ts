// `tapline gateway …` in-process: bad input gets exit 2 and a clear message; outputs are complete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPO_ROOT, runTapline } from '../support/cli';
import { createTrafficReader } from '../../core/src/importers/traffic-reader';
import { runCli } from '../../server/src/cli/run';
import { NJS_JWT_MODULE } from '../../core/src/gateway/jwt';

const SPEC = 'test/fixtures/workspaces/petstore/openapi.yaml';

function run(argv: string[], files: Record<string, string> = {}) {
  return runTapline(argv, { files });
}

const BASE = ['gateway', 'nginx', '--spec', SPEC, '--upstream', 'http://127.0.0.1:9000', '--listen', '127.0.0.1:8080'];

test('bad command lines exit 2 and say what is wrong', async () => {
  const cases: [string[], RegExp][] = [
    [['gateway'], /expected nginx, httproute or njs/],
    [['gateway', 'nginx', '--upstream', 'http://a', '--listen', '80'], /--spec <file> is required/],
    [[...BASE.slice(0, 4), '--upstream', 'ftp://x', '--listen', '80'], /--upstream must be http\(s\)/],
    [[...BASE.slice(0, 6), '--listen', 'localhost'], /--listen must be HOST:PORT/],
    [[...BASE, '--mode', 'audit'], /--mode must be enforce or report/],
    [[...BASE, '--block-ip', '300.1.1.1'], /not an IPv4\/IPv6 address/],
    [[...BASE, '--block-header', 'X-Key'], /expected <Header-Name>=<value>/],
    [[...BASE, '--block-sub', 'a;b'], /may not hold/],
    [[...BASE, '--block-sub', 'bob@get /pets'], /not an operation like/],
    [[...BASE, '--deny', 'GET'], /not an operation like/],
    [[...BASE, '--bogus'], /unknown option '--bogus'/],
    [['gateway', 'httproute', '--spec', SPEC], /--service <name> and --port <n> are required/],
  ];
  for (const [argv, message] of cases) {
    const r = await run(argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.match(r.err, message, argv.join(' '));
    assert.equal(r.out, '');
  }
});

test('unreadable spec or policy, an invalid policy, a spec without operations: exit 2, nothing printed', async () => {
  assert.match((await run(['gateway', 'nginx', '--spec', 'nope.yaml', ...BASE.slice(4)])).err, /cannot read the spec nope\.yaml/);
  assert.match((await run([...BASE, '--policy', 'missing.yaml'])).err, /cannot read the policy file missing\.yaml/);
  const bad = await run([...BASE, '--policy', 'p.yaml'], { 'p.yaml': 'block:\n  - ip: [nope]\n' });
  assert.equal(bad.code, 2);
  assert.match(bad.err, /p\.yaml is not a valid gateway policy:\n {2}\/block\/0\/ip\/0: 'nope' is not an IPv4/);
  const empty = await run(['gateway', 'nginx', '--spec', 'e.yaml', ...BASE.slice(4)], { 'e.yaml': 'openapi: 3.0.0\ninfo: {title: t, version: "1"}\npaths: {}\n' });
  assert.equal(empty.code, 2);
  assert.match(empty.err, /documents no operations/);
});

test('outputs: server block, --snippet locations, --prelude, njs; CLI blocks merge with the policy file', async () => {
  const server = await run([...BASE, '--policy', 'test/fixtures/gateway/tapline-gateway.yaml', '--block-ip', '192.0.2.0/24@GET /pets', '--mode', 'report']);
  assert.equal(server.code, 0, server.err);
  assert.match(server.out, /^log_format tapline_gateway escape=json/m);
  assert.match(server.out, /^server \{\n {4}listen 127\.0\.0\.1:8080;/m);
  assert.match(server.out, /geo \$tapline_block_4 \{\n {4}default 0;\n {4}192\.0\.2\.0\/24 1;/, 'the CLI block comes after the file’s three');
  assert.match(server.out, /\(report mode\)/);
  assert.doesNotMatch(server.out, /return 40[345]/, 'report mode answers nothing itself');
  const snippet = await run([...BASE, '--snippet']);
  assert.match(snippet.out, /^location = "\/v1\/pets" \{/m);
  assert.doesNotMatch(snippet.out, /server \{|log_format/);
  const prelude = await run([...BASE, '--prelude', '--block-sub', 'eve']);
  assert.match(prelude.out, /^js_set \$tapline_jwt_sub tapline_jwt\.sub;/m);
  assert.doesNotMatch(prelude.out, /location/);
  assert.match(prelude.err, /need ngx_http_js_module/);
  assert.equal((await run(['gateway', 'njs'])).out, NJS_JWT_MODULE);
});

test('hostile spec paths cannot inject nginx configuration', async () => {
  const spec = JSON.stringify({
    openapi: '3.0.0',
    info: { title: 't', version: '1' },
    paths: { '/a"; return 200 "pwned': { get: { responses: { '200': { description: 'x' } } } }, '/b/{x}$host\\': { get: { responses: { '200': { description: 'x' } } } } },
  });
  const r = await run(['gateway', 'nginx', '--spec', 's.json', ...BASE.slice(4)], { 's.json': spec });
  assert.equal(r.code, 0, r.err);
  assert.ok(r.out.includes('location = "/a\\"; return 200 \\"pwned" {'), 'quotes are escaped inside the location string');
  assert.ok(r.out.includes('set $tapline_op "GET /a%22; return 200 %22pwned";'));
  assert.ok(r.out.includes('set $tapline_op "GET /b/{x}%24host%5C";'), 'no $variable from a path reaches a set');
});

const GATEWAY_HAR = 'test/fixtures/gateway/petstore-gateway.har';
const REPORT = ['gateway', 'nginx', '--spec', SPEC, '--policy', 'test/fixtures/gateway/tapline-gateway.yaml', '--format', 'json'];

test('--har is read as a stream (never whole), --traffic-log reads JSON lines; both judge the same requests', async () => {
  const bytes = readFileSync(GATEWAY_HAR);
  // The HAR file can only be streamed here, in 1 KiB pieces; every other file is read as usual.
  let out = '';
  let err = '';
  const whole = await runCli([...REPORT, '--har', GATEWAY_HAR], {
    cwd: REPO_ROOT,
    readFile: (p) => (p === GATEWAY_HAR ? undefined : readFileSync(resolve(REPO_ROOT, p), 'utf8')),
    readChunks: (p) => (p === GATEWAY_HAR ? { size: bytes.length, chunks: slices(bytes, 1024) } : undefined),
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    version: '0',
  });
  assert.ok(whole === 0 || whole === 1, err);
  const streamed = JSON.parse(out) as { requests: Array<{ target: string; decision: string }>; allowed: number; blocked: number };
  assert.equal(streamed.requests.length, (JSON.parse(bytes.toString('utf8')) as { log: { entries: unknown[] } }).log.entries.length);

  const lines: string[] = [];
  const reader = createTrafficReader('har', { transaction: (tx) => lines.push(JSON.stringify(tx)), skipped: () => undefined }, 'har');
  reader.write(bytes);
  reader.end();
  const log = await run([...REPORT, '--traffic-log', 'traffic.ndjson'], { 'traffic.ndjson': lines.join('\n') + '\n' });
  assert.equal(log.code, whole, log.err);
  const fromLog = JSON.parse(log.out) as typeof streamed;
  assert.deepEqual(fromLog.requests.map((r) => [r.target, r.decision]), streamed.requests.map((r) => [r.target, r.decision]));
  assert.equal(fromLog.blocked, streamed.blocked);

  const both = await run([...REPORT, '--har', GATEWAY_HAR, '--traffic-log', 'x.ndjson']);
  assert.equal(both.code, 2);
  assert.match(both.err, /--har and --traffic-log are alternatives/);
  const broken = await run([...REPORT, '--har', 'cut.har'], { 'cut.har': bytes.toString('utf8').slice(0, 700) });
  assert.equal(broken.code, 2);
  assert.match(broken.err, /cut\.har is not a usable HAR file/);
  assert.equal(broken.out, '');
});

async function* slices(bytes: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}
