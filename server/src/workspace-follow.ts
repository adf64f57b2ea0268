// Follows the workspace's OpenAPI documents on disk, not only in editors: files created, changed,
// renamed (a delete and a create) and deleted, workspace folders added and removed, and
// `tapline.specGlob` / `tapline.specExclude` edited (a rescan). The index's roots found this way
// are tracked apart from documents opened in editors, which stay indexed while open.
import { relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import picomatch from 'picomatch';
import { detectOpenApi } from '../../core/src/openapi/detect';
import type { SpecIndex } from './spec-index';
import { findSpecFiles, readHead } from './workspace-files';

export interface FileEvent {
  uri: string;
  kind: 'created' | 'changed' | 'deleted';
}

export interface Globs {
  specGlob: string;
  specExclude: string;
}

export class WorkspaceFollower {
  private folders: string[] = [];
  /** Roots found on disk (by a scan or a file event). */
  private readonly found = new Set<string>();

  constructor(
    private readonly specs: SpecIndex,
    private globs: Globs,
    private readonly isOpen: (uri: string) => boolean,
    private readonly log: (message: string) => void,
  ) {}

  get workspaceFolders(): readonly string[] {
    return this.folders;
  }

  /** Whether `uri` is under a workspace folder and matches the glob without being excluded. */
  matches(uri: string): boolean {
    if (!uri.startsWith('file:')) return false;
    const path = fileURLToPath(uri);
    const include = picomatch(this.globs.specGlob, { dot: false });
    const exclude = picomatch(this.globs.specExclude, { dot: true });
    return this.folders.some((folder) => {
      const rel = relative(fileURLToPath(folder), path).split(sep).join('/');
      return rel !== '' && !rel.startsWith('..') && include(rel) && !exclude(rel);
    });
  }

  async addFolders(uris: readonly string[]): Promise<void> {
    const fresh = uris.filter((u) => u.startsWith('file:') && !this.folders.includes(u));
    this.folders.push(...fresh);
    for (const folder of fresh) await this.scanFolder(folder);
  }

  removeFolders(uris: readonly string[]): void {
    this.folders = this.folders.filter((f) => !uris.includes(f));
    for (const root of [...this.found]) {
      if (this.matches(root)) continue;
      this.found.delete(root);
      if (!this.isOpen(root)) this.specs.remove(root);
    }
  }

  /** New globs: roots that no longer match leave the index, newly matching files join it. */
  async setGlobs(globs: Globs): Promise<void> {
    if (globs.specGlob === this.globs.specGlob && globs.specExclude === this.globs.specExclude) return;
    this.globs = globs;
    for (const root of [...this.found]) {
      if (this.matches(root)) continue;
      this.found.delete(root);
      if (!this.isOpen(root)) this.specs.remove(root);
    }
    for (const folder of this.folders) await this.scanFolder(folder);
  }

  async onFileEvents(events: readonly FileEvent[]): Promise<void> {
    for (const event of events) {
      if (event.kind === 'deleted') {
        this.found.delete(event.uri);
        if (this.specs.has(event.uri)) {
          this.log(`${event.uri} was deleted: its findings are gone`);
          this.specs.remove(event.uri);
        }
        this.specs.changed(event.uri); // specs that $ref it reload and report the broken reference
        continue;
      }
      if (this.specs.has(event.uri) || this.specs.rootsContaining(event.uri).length > 0) {
        this.specs.changed(event.uri);
        continue;
      }
      if (!this.matches(event.uri)) continue;
      const head = await readHead(fileURLToPath(event.uri)).catch(() => '');
      if (!detectOpenApi(head)) continue;
      this.found.add(event.uri);
      this.log(`${event.uri} appeared on disk: indexing it`);
      await this.specs.load(event.uri);
    }
  }

  private async scanFolder(folder: string): Promise<void> {
    const started = Date.now();
    const files = await findSpecFiles(fileURLToPath(folder), { glob: this.globs.specGlob, exclude: this.globs.specExclude });
    this.log(`found ${files.length} OpenAPI documents in ${folder} (${Date.now() - started} ms)`);
    for (const file of files) {
      const uri = pathToFileURL(file).toString();
      this.found.add(uri);
      if (!this.specs.has(uri)) await this.specs.load(uri);
    }
  }
}
