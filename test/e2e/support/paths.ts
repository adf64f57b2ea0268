import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';

export const REPO = join(__dirname, '..', '..', '..');
/** Screenshots and per-run VS Code profiles; ignored by git. */
export const ARTIFACTS = join(REPO, 'test', 'e2e', '.artifacts');
export const VSIX = join(REPO, 'tapline.vsix');
export const FIXTURES = join(REPO, 'test', 'fixtures');

/** A fresh folder under ARTIFACTS; a fresh clone has no ARTIFACTS yet, so it is created first. */
export function artifactDir(prefix: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return mkdtempSync(join(ARTIFACTS, prefix));
}
