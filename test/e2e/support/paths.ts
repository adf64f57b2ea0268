import { join } from 'node:path';

export const REPO = join(__dirname, '..', '..', '..');
/** Screenshots and per-run VS Code profiles; ignored by git. */
export const ARTIFACTS = join(REPO, 'test', 'e2e', '.artifacts');
export const VSIX = join(REPO, 'tapline.vsix');
export const FIXTURES = join(REPO, 'test', 'fixtures');
