// The loader's Go probe plan on real Go binaries (the test fixture, built with Debian's Go):
// every RET that Capstone finds in crypto/tls.(*Conn).Read and Write is one that GNU objdump finds
// too, and none is missed; the stack-check branch and Read's call to runtime.memmove (where the
// cheap probes go) are where objdump puts them; a stripped build is recognised as such. No root: `tapline-loader
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
  read?: FuncPlan;
  write?: FuncPlan;
}

interface FuncPlan {
  offset: number;
  size: number;
  rets: number[];
  decoded: boolean;
  /** The prologue's `jbe` to morestack, -1 when absent. */
  jbe: number;
  /** The only `call runtime.memmove`, -1 when not exactly one (Write is not searched). */
  copy: number;
  /** From the body's RSP, the slots where the prologue spills RAX, RBX, RCX; -1 when it does not. */
  spill: number;
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

/** RET offsets (from the function's start) as objdump disassembles the function, and where its
 * stack check's `jbe` and its calls to runtime.memmove are. */
function objdumpRets(binary: string, symbol: string): { rets: number[]; size: number; jbe: number; memmoves: number[]; raxSpill: number } {
  const nm = spawnSync('nm', ['-S', binary], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const line = nm.stdout.split('\n').find((l) => l.endsWith(` T ${symbol}`));
  assert.ok(line, `${symbol} in nm's output`);
  const [addrHex, sizeHex] = line.split(' ');
  const start = parseInt(addrHex!, 16);
  const size = parseInt(sizeHex!, 16);
  const dump = spawnSync('objdump', ['-d', '--no-show-raw-insn', `--start-address=0x${start.toString(16)}`, `--stop-address=0x${(start + size).toString(16)}`, binary], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const rets: number[] = [];
  const memmoves: number[] = [];
  const insns: Array<{ at: number; text: string }> = [];
  for (const l of dump.stdout.split('\n')) {
    const m = /^\s*([0-9a-f]+):\s+(\S+)(.*)$/.exec(l);
    if (!m) continue;
    const at = parseInt(m[1]!, 16) - start;
    insns.push({ at, text: `${m[2]}${m[3]}` });
    if (/^retq?$/.test(m[2]!)) rets.push(at);
    if (/^callq?$/.test(m[2]!) && m[3]!.includes('<runtime.memmove>')) memmoves.push(at);
  }
  // AT&T syntax: `cmp 0x10(%r14),%rsp` (or `%r12` after a `lea`), then `jbe`.
  const cmp = insns.findIndex((i, n) => n < 2 && /^cmp\s+0x10\(%r14\),%r(sp|12)$/.test(i.text));
  const jbe = cmp >= 0 && /^jbe\s/.test(insns[cmp + 1]?.text ?? '') ? insns[cmp + 1]!.at : -1;
  // The frame (`sub $N,%rsp`) and where RAX (the receiver) is stored before the first call.
  const firstCall = insns.findIndex((i) => /^callq?\s/.test(i.text));
  const prologue = insns.slice(0, firstCall < 0 ? insns.length : firstCall);
  const frame = /^sub\s+\$0x([0-9a-f]+),%rsp$/.exec(prologue.find((i) => /^sub\s+\$0x[0-9a-f]+,%rsp$/.test(i.text))?.text ?? '');
  const rax = prologue.map((i) => /^mov\s+%rax,0x([0-9a-f]+)\(%rsp\)$/.exec(i.text)).find(Boolean);
  const raxSpill = frame && rax && parseInt(rax[1]!, 16) === parseInt(frame[1]!, 16) + 8 ? parseInt(rax[1]!, 16) : -1;
  return { rets, size, jbe, memmoves, raxSpill };
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
    assert.ok(theirs.jbe > 0, `objdump finds the stack check's jbe in ${symbol}`);
    assert.equal(mine.jbe, theirs.jbe, `stack-check branch of ${symbol}`);
    if (fn === 'read') {
      assert.equal(theirs.memmoves.length, 1, 'Read copies the record into b with one memmove');
      assert.equal(mine.copy, theirs.memmoves[0], 'the copy probe is on that call');
      assert.ok(theirs.raxSpill > 0, 'objdump: Read spills its receiver above the return address');
      assert.equal(mine.spill, theirs.raxSpill, 'the copy probe reads the receiver and b from there');
    } else assert.equal(mine.copy, -1, 'Write gets no copy probe');
  }
  assert.deepEqual(plan(go.stripped), { lib: TLS_LIB.TL_LIB_GO_STRIPPED, version: go.version });
  assert.deepEqual(plan(process.execPath), { lib: TLS_LIB.TL_LIB_NONE, version: '' });
});
