// The loader's Go probe plan on real Go binaries (the test fixture, built with Debian's Go):
// every RET that Capstone finds in crypto/tls.(*Conn).Read and Write is one that GNU objdump finds
// too, and none is missed; a stripped build is recognised as such. No root: `tapline-loader
// --go-probes PATH` only reads the file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { TLS_LIB } from '../../sensor/src/capture/layout';
import { buildGoFixture, goUnavailable } from '../support/go-fixture';

const root = join(import.meta.dirname ?? __dirname, '..', '..');
const loader = join(root, 'sensor', 'bpf', 'build', 'tapline-loader');

interface Plan {
  lib: number;
  version: string;
  read?: { offset: number; size: number; rets: number[]; decoded: boolean };
  write?: { offset: number; size: number; rets: number[]; decoded: boolean };
}

function unavailable(): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') return 'needs Linux on x86-64';
  const noGo = goUnavailable();
  if (noGo) return noGo;
  if (spawnSync('objdump', ['--version']).status !== 0) return 'needs objdump (binutils)';
  if (!existsSync(loader)) {
    const make = spawnSync('make', ['-s', '-C', join(root, 'sensor', 'bpf')], { encoding: 'utf8' });
    if (make.status !== 0) return `cannot build the loader: ${(make.stderr ?? '').trim().split('\n').at(-1)}`;
  }
  return undefined;
}

function ready(t: TestContext): boolean {
  const why = unavailable();
  if (!why) return true;
  if (process.env.CI === 'true') throw new Error(`cannot run in CI: ${why}`);
  t.skip(why);
  return false;
}

function plan(path: string): Plan {
  const r = spawnSync(loader, ['--go-probes', path], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Plan;
}

/** RET offsets (from the function's start) as objdump disassembles the function. */
function objdumpRets(binary: string, symbol: string): { rets: number[]; size: number } {
  const nm = spawnSync('nm', ['-S', binary], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const line = nm.stdout.split('\n').find((l) => l.endsWith(` T ${symbol}`));
  assert.ok(line, `${symbol} in nm's output`);
  const [addrHex, sizeHex] = line.split(' ');
  const start = parseInt(addrHex!, 16);
  const size = parseInt(sizeHex!, 16);
  const dump = spawnSync('objdump', ['-d', '--no-show-raw-insn', `--start-address=0x${start.toString(16)}`, `--stop-address=0x${(start + size).toString(16)}`, binary], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const rets: number[] = [];
  for (const l of dump.stdout.split('\n')) {
    const m = /^\s*([0-9a-f]+):\s+(\S+)/.exec(l);
    if (m && /^retq?$/.test(m[2]!)) rets.push(parseInt(m[1]!, 16) - start);
  }
  return { rets, size };
}

test('Go crypto/tls probes: Capstone\'s RETs are objdump\'s RETs; stripped and non-Go files are told apart', (t) => {
  if (!ready(t)) return;
  const go = buildGoFixture();
  const p = plan(go.binary);
  assert.equal(p.lib, TLS_LIB.TL_LIB_GO_TLS);
  assert.equal(p.version, go.version);
  for (const [fn, symbol] of [['read', 'crypto/tls.(*Conn).Read'], ['write', 'crypto/tls.(*Conn).Write']] as const) {
    const mine = p[fn];
    assert.ok(mine?.decoded, `${fn} decoded to its end`);
    const theirs = objdumpRets(go.binary, symbol);
    assert.equal(mine.size, theirs.size);
    assert.ok(theirs.rets.length > 0, `objdump finds RETs in ${symbol}`);
    assert.deepEqual(mine.rets, theirs.rets, `RETs of ${symbol}`);
  }
  assert.deepEqual(plan(go.stripped), { lib: TLS_LIB.TL_LIB_GO_STRIPPED, version: go.version });
  assert.deepEqual(plan(process.execPath), { lib: TLS_LIB.TL_LIB_NONE, version: '' });
});
