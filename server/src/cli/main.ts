// Entry point of the `tapline` bin (bundled to dist/cli.js with a shebang).

import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { fileChunks } from '../file-chunks';
import { runCli } from './run';

declare const TAPLINE_VERSION: string | undefined;

function readFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** A traffic file in chunks (never read whole; one buffer reused: file-chunks.ts). */
function readChunks(path: string): { size: number; chunks: AsyncIterable<Uint8Array> } | undefined {
  try {
    const stat = statSync(path);
    return stat.isFile() ? { size: stat.size, chunks: fileChunks(path) } : undefined;
  } catch {
    return undefined;
  }
}

function writeFile(path: string, text: string): boolean {
  try {
    writeFileSync(path, text);
    return true;
  } catch {
    return false;
  }
}

const version = typeof TAPLINE_VERSION === 'string' ? TAPLINE_VERSION : '0.1.0';

runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  readFile,
  readChunks,
  writeFile,
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  version,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`tapline: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 2;
  },
);
