// The workspace's OpenAPI documents, loaded (multi-file `$ref`s joined) and kept fresh: a change
// to any file of a spec reloads that spec, debounced, reusing the parsed files that did not change.
import { loadSpec, type ReadFile } from '../../core/src/openapi/load';
import type { LoadedSpec } from '../../core/src/openapi/model';
import type { ParsedDocument } from '../../core/src/openapi/parsed-document';

export type SpecListener = (rootUri: string, spec: LoadedSpec | undefined) => void;

export class SpecIndex {
  private readonly specs = new Map<string, LoadedSpec>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly dirty = new Map<string, Set<string>>();
  private readonly listeners = new Set<SpecListener>();

  constructor(
    private readonly read: ReadFile,
    private readonly debounceMs = 200,
  ) {}

  get all(): LoadedSpec[] {
    return [...this.specs.values()];
  }

  get(rootUri: string): LoadedSpec | undefined {
    return this.specs.get(rootUri);
  }

  has(rootUri: string): boolean {
    return this.specs.has(rootUri);
  }

  onDidChange(listener: SpecListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Roots of the specs that include `uri` (itself when it is a root). */
  rootsContaining(uri: string): string[] {
    return [...this.specs.values()].filter((spec) => spec.documents.has(uri) || spec.rootUri === uri).map((spec) => spec.rootUri);
  }

  /**
   * Loads (or reloads at once) the spec rooted at `rootUri`. A debounced reload still pending for
   * the same files is dropped: this load reads them now (a code action right after an edit), and
   * a second load of the same text would only analyse and publish it again.
   */
  async load(rootUri: string, changedUris: ReadonlySet<string> = new Set()): Promise<LoadedSpec> {
    const pending = this.dirty.get(rootUri);
    if (pending) {
      for (const uri of changedUris) pending.delete(uri);
      if (pending.size === 0) {
        this.dirty.delete(rootUri);
        clearTimeout(this.timers.get(rootUri));
        this.timers.delete(rootUri);
      }
    }
    const previous = this.specs.get(rootUri);
    const cache = new Map<string, ParsedDocument>();
    for (const [uri, document] of previous?.documents ?? []) if (!changedUris.has(uri)) cache.set(uri, document);
    const spec = await loadSpec(rootUri, this.read, { cache });
    this.specs.set(rootUri, spec);
    for (const listener of this.listeners) listener(rootUri, spec);
    return spec;
  }

  remove(rootUri: string): void {
    clearTimeout(this.timers.get(rootUri));
    this.timers.delete(rootUri);
    if (!this.specs.delete(rootUri)) return;
    for (const listener of this.listeners) listener(rootUri, undefined);
  }

  /** A file changed in an editor or on disk: reload every spec that holds it, after a quiet period. */
  changed(uri: string): void {
    for (const rootUri of this.rootsContaining(uri)) {
      const dirty = this.dirty.get(rootUri) ?? new Set<string>();
      dirty.add(uri);
      this.dirty.set(rootUri, dirty);
      clearTimeout(this.timers.get(rootUri));
      this.timers.set(
        rootUri,
        setTimeout(() => {
          this.timers.delete(rootUri);
          const changedUris = this.dirty.get(rootUri) ?? new Set<string>();
          this.dirty.delete(rootUri);
          void this.load(rootUri, changedUris);
        }, this.debounceMs),
      );
    }
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.listeners.clear();
  }
}
