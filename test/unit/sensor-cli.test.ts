import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSensorArgs, parseListen, UsageError } from '../../sensor/src/cli/args';
import { preflight, PreflightError, effectiveCapabilities } from '../../sensor/src/preflight';
import { bearerMatches, ensureTokenFile, TokenError } from '../../sensor/src/server/auth';

test('flags: defaults, repeatables, and one-line usage errors', () => {
  const a = parseSensorArgs(['--listen', '[::1]:0', '--token-file', '/t', '--pid', '1', '--pid', '2', '--comm', 'node', '--port', '80', '--max-body', '1024']);
  assert.equal(a.host, '::1');
  assert.equal(a.port, 0);
  assert.deepEqual(a.pids, [1, 2]);
  assert.deepEqual(a.comms, ['node']);
  assert.equal(a.maxBody, 1024);
  assert.equal(parseSensorArgs([]).host, '127.0.0.1');
  assert.deepEqual(parseListen('0.0.0.0:7878'), { host: '0.0.0.0', port: 7878 });
  for (const bad of [['--listen', 'x'], ['--listen', '1.2.3.4:70000'], ['--pid', 'abc'], ['--nope'], ['--tls-cert', 'a'], ['--replay-loop'], ['--max-body', String(2 << 20)], ['--comm', 'a-very-long-process-name'], ['positional']]) {
    assert.throws(() => parseSensorArgs(bad), (e: unknown) => e instanceof UsageError && !e.message.includes('\n'), bad.join(' '));
  }
});

test('preflight names what is missing', () => {
  const ok = { platform: 'linux', kernel: '6.1.0', btfPath: __filename };
  const root = 'CapEff:\t000001ffffffffff\n';
  assert.deepEqual(preflight({ ...ok, status: root }), []);
  assert.throws(() => preflight({ ...ok, platform: 'darwin', status: root }), /needs Linux/);
  assert.throws(() => preflight({ ...ok, kernel: '4.19.0', status: root }), /kernel 4\.19\.0 is too old/);
  assert.throws(() => preflight({ ...ok, btfPath: '/nonexistent/vmlinux', status: root }), /no BTF/);
  assert.throws(() => preflight({ ...ok, status: 'CapEff:\t0000000000000000\n' }), (e: unknown) => e instanceof PreflightError && /CAP_BPF, CAP_PERFMON/.test(e.message));
  // CAP_BPF + CAP_PERFMON only: runs, with warnings about TLS discovery and /proc.
  const bpfPerfmon = ((1n << 39n) | (1n << 38n)).toString(16).padStart(16, '0');
  assert.equal(preflight({ ...ok, status: `CapEff:\t${bpfPerfmon}\n` }).length, 2);
  assert.equal(effectiveCapabilities('CapEff:\t0000000000000001'), 1n);
});

test('token file: created 0600 with a fresh token, reused after, refused when empty; bearer check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tapline-token-'));
  const path = join(dir, 'sub', 'token');
  const first = ensureTokenFile(path);
  assert.equal(first.created, true);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  const again = ensureTokenFile(path);
  assert.deepEqual(again, { token: first.token, created: false });
  assert.notEqual(ensureTokenFile(join(dir, 'other')).token, first.token);
  writeFileSync(join(dir, 'empty'), '\n');
  assert.throws(() => ensureTokenFile(join(dir, 'empty')), TokenError);
  assert.equal(bearerMatches(`Bearer ${first.token}`, first.token), true);
  assert.equal(bearerMatches(`bearer  ${first.token}`, first.token), true);
  for (const bad of [undefined, '', first.token, `Basic ${first.token}`, `Bearer ${first.token}x`, 'Bearer ']) assert.equal(bearerMatches(bad, first.token), false, String(bad));
});
