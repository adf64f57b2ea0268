// The rooms' boundaries hold in ESLint: a forbidden import fails lint in every room, an allowed
// one does not. Probe files are written into each room (so that the project's typed lint config
// applies to them as to real code), linted with ESLint's API, and removed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';

const REPO = join(__dirname, '..', '..');

interface Probe {
  file: string;
  code: string;
  /** Lines expected to fail with the room rule (1-based). */
  forbidden: number[];
}

const PROBES: Probe[] = [
  {
    file: 'core/src/lint-probe.ts',
    code: ["import WebSocket from 'ws';", "import { readFileSync } from 'node:fs';", "import type { Finding } from './messages';", 'export const probe = [WebSocket, readFileSync] as const;', 'export type P = Finding;'].join('\n'),
    forbidden: [1, 2],
  },
  {
    file: 'extension/src/lint-probe.ts',
    code: ["import { SensorHub } from '../../server/src/engine/sensor-hub';", "import WebSocket from 'ws';", "import { formatDuration } from '../../core/src/format/duration';", 'export const probe = [SensorHub, WebSocket, formatDuration] as const;'].join('\n'),
    forbidden: [1, 2],
  },
  {
    file: 'server/src/lint-probe.ts',
    code: ["import * as vscode from 'vscode';", "import { curlFor } from '../../extension/src/curl';", "import { formatDuration } from '../../core/src/format/duration';", 'export const probe = [vscode, curlFor, formatDuration] as const;'].join('\n'),
    forbidden: [1, 2],
  },
  {
    file: 'sensor/src/lint-probe.ts',
    code: ["import { createConnection } from 'vscode-languageserver/node';", "import { Traffic } from '../../server/src/engine/traffic';", 'export const probe = [createConnection, Traffic] as const;'].join('\n'),
    forbidden: [1, 2],
  },
  {
    file: 'webview/src/lint-probe.ts',
    code: ["import { formatDuration } from '../../core/src/format/duration';", "import type { Finding } from '../../core/src/messages';", 'export const probe = formatDuration;', 'export type P = Finding;'].join('\n'),
    forbidden: [1],
  },
];

test('a forbidden import fails lint in every room; an allowed one passes', async (t) => {
  t.after(() => {
    for (const probe of PROBES) rmSync(join(REPO, probe.file), { force: true });
  });
  for (const probe of PROBES) writeFileSync(join(REPO, probe.file), `${probe.code}\n`);
  const eslint = new ESLint({ cwd: REPO });
  const results = await eslint.lintFiles(PROBES.map((p) => p.file));
  for (const probe of PROBES) {
    const result = results.find((r) => r.filePath === join(REPO, probe.file));
    assert.ok(result, `${probe.file} was linted`);
    const failing = result.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.line);
    assert.deepEqual(failing, probe.forbidden, `${probe.file}: ${JSON.stringify(result.messages.map((m) => `${m.line}: ${m.message}`))}`);
  }
});
