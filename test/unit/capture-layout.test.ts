// The kernel records' layout has one source, sensor/bpf/tapline.h: this test compiles a small C
// program against the header and checks every offset and size in sensor/src/capture/layout.ts
// (which the decoder and the tests' record builders use) against offsetof/sizeof. Needs a C
// compiler and the kernel's UAPI headers (linux/types.h), not root.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PROC_FLAG, REC, STRUCTS, TLS_LIB } from '../../sensor/src/capture/layout';

const root = join(import.meta.dirname ?? __dirname, '..', '..');
const REC_NAMES: Record<keyof typeof REC, string> = {
  open: 'TL_REC_OPEN',
  data: 'TL_REC_DATA',
  close: 'TL_REC_CLOSE',
  stats: 'TL_REC_STATS',
  ready: 'TL_REC_READY',
  proc: 'TL_REC_PROC',
};

function program(): string {
  const lines: string[] = [];
  for (const [struct, fields] of Object.entries(STRUCTS)) {
    for (const field of Object.keys(fields)) {
      const expr = field === 'size' ? `sizeof(struct ${struct})` : `offsetof(struct ${struct}, ${field})`;
      lines.push(`  printf("${struct}.${field} %zu\\n", (size_t)(${expr}));`);
    }
  }
  for (const [key, name] of Object.entries(REC_NAMES)) lines.push(`  printf("rec.${key} %d\\n", (int)${name});`);
  for (const name of Object.keys({ ...TLS_LIB, ...PROC_FLAG })) lines.push(`  printf("lib.${name} %d\\n", (int)${name});`);
  return ['#include <stddef.h>', '#include <stdio.h>', '#include <linux/types.h>', '#include "tapline.h"', 'int main(void) {', ...lines, '  return 0;', '}', ''].join('\n');
}

test('layout.ts matches sensor/bpf/tapline.h as the C compiler lays it out', (t) => {
  const cc = ['cc', 'clang', 'gcc'].find((c) => spawnSync(c, ['--version']).status === 0);
  if (!cc) {
    if (process.env.CI === 'true') throw new Error('no C compiler (cc, clang or gcc) in CI');
    t.skip('needs a C compiler (cc, clang or gcc)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'tapline-layout-'));
  try {
    writeFileSync(join(dir, 'layout.c'), program());
    // A missing field is a compile error, which names it: the header and layout.ts disagree.
    const build = spawnSync(cc, ['-I', join(root, 'sensor', 'bpf'), '-o', join(dir, 'layout'), join(dir, 'layout.c')], { encoding: 'utf8' });
    assert.equal(build.status, 0, `compiling against tapline.h failed:\n${build.stderr}`);
    const run = spawnSync(join(dir, 'layout'), { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const actual = new Map(run.stdout.trim().split('\n').map((l) => l.split(' ') as [string, string]));
    const expected = new Map<string, string>();
    for (const [struct, fields] of Object.entries(STRUCTS)) for (const [field, at] of Object.entries(fields)) expected.set(`${struct}.${field}`, String(at));
    for (const [key, value] of Object.entries(REC)) expected.set(`rec.${key}`, String(value));
    for (const [name, value] of Object.entries({ ...TLS_LIB, ...PROC_FLAG })) expected.set(`lib.${name}`, String(value));
    assert.deepEqual(Object.fromEntries(actual), Object.fromEntries(expected));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
