// The workspace's .proto files, loaded with protobufjs so that gRPC messages can be shown decoded
// (core/src/grpc/grpc-detail.ts asks through lookup()). The engine owns it because it owns the
// traffic and already follows the workspace; the extension only renders what the detail says.
// Reloaded whole when a .proto changes or folders change: a workspace holds few of them.
import { stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import type { GrpcMethodSchema, GrpcSchemaLookup } from '../../../core/src/grpc/grpc-detail';
import { listFiles } from '../workspace-files';

/** More .proto files than this in a workspace are left out (and said so). */
const MAX_FILES = 2_000;
const MAX_FILE_BYTES = 1024 * 1024;
const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: String, bytes: String, defaults: false };

export class ProtoIndex {
  private root: protobuf.Root | undefined;
  private files: string[] = [];
  private problems: string[] = [];
  private folders: string[] = [];
  private generation = 0;
  /** Files and their mtimes/sizes as last loaded, to tell whether the disk changed since. */
  private loadedSignature = '';
  private lastCheck = 0;
  private checkTimer: NodeJS.Timeout | undefined;
  private checking = false;

  constructor(
    private readonly log: (message: string) => void,
    /** After each reload: a detail shown with the old files is stale (the Explorer asks again). */
    private readonly reloaded: () => void = () => undefined,
  ) {}

  /** Workspace folder URIs (file: only); reloads when they changed. */
  async setFolders(uris: readonly string[]): Promise<void> {
    const folders = uris.filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
    if (folders.join('\n') === this.folders.join('\n')) return;
    this.folders = folders;
    await this.reload();
  }

  /** Whether a file event concerns this index. */
  static concerns(uri: string): boolean {
    return uri.endsWith('.proto');
  }

  private async protoFiles(): Promise<string[]> {
    return (await Promise.all(this.folders.map((f) => listFiles(f, (rel) => rel.endsWith('.proto'), () => false)))).flat();
  }

  private static async signature(files: readonly string[]): Promise<string> {
    const parts = await Promise.all(files.map(async (f) => {
      const s = await stat(f).catch(() => undefined);
      return `${f}:${s?.mtimeMs ?? '-'}:${s?.size ?? '-'}`;
    }));
    return parts.join('\n');
  }

  /**
   * Watchers miss files (a folder copied in, `files.watcherExclude`): each use of the index checks
   * the disk again, at most once a second, and reloads when the files changed.
   */
  private checkSoon(): void {
    if (this.checkTimer !== undefined || this.checking || this.folders.length === 0) return;
    this.checkTimer = setTimeout(() => {
      this.checkTimer = undefined;
      void this.checkNow();
    }, Math.max(0, this.lastCheck + 1_000 - Date.now()));
  }

  private async checkNow(): Promise<void> {
    this.checking = true;
    this.lastCheck = Date.now();
    try {
      if ((await ProtoIndex.signature((await this.protoFiles()).slice(0, MAX_FILES))) !== this.loadedSignature) await this.reload();
    } catch (e) {
      this.log(`gRPC: checking the .proto files failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.checking = false;
    }
  }

  dispose(): void {
    clearTimeout(this.checkTimer);
  }

  async reload(): Promise<void> {
    const generation = ++this.generation;
    const found = await this.protoFiles();
    const problems: string[] = [];
    if (found.length > MAX_FILES) problems.push(`${found.length} .proto files: only the first ${MAX_FILES} are read`);
    const files = found.slice(0, MAX_FILES);
    const signature = await ProtoIndex.signature(files);
    const root = new protobuf.Root();
    const known = new Set(files);
    root.resolvePath = (origin, target) => this.resolveImport(origin, target, known);
    for (const file of files) {
      try {
        if ((await stat(file)).size > MAX_FILE_BYTES) {
          problems.push(`${file}: larger than ${MAX_FILE_BYTES} bytes, not read`);
          continue;
        }
        await root.load(file, { keepCase: true });
      } catch (e) {
        problems.push(`${file}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    try {
      root.resolveAll();
    } catch (e) {
      problems.push(`unresolved types: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (generation !== this.generation) return; // a newer reload started meanwhile
    this.root = root;
    this.files = files;
    this.loadedSignature = signature;
    this.lastCheck = Date.now();
    this.problems = problems;
    this.log(`gRPC: ${files.length} .proto files read${problems.length ? `; ${problems.length} problems (${problems[0]})` : ''}`);
    this.reloaded();
  }

  /** An import as written (`shop/v1/item.proto`): next to the importer, from a folder's root, or any file ending so. */
  private resolveImport(origin: string, target: string, known: ReadonlySet<string>): string | null {
    if (origin === '') return target;
    const candidates = [resolve(dirname(origin), target), ...this.folders.map((f) => join(f, target))];
    for (const c of candidates) if (known.has(c)) return c;
    for (const f of known) if (f.endsWith(`${sep}${target}`)) return f;
    return candidates[0]!; // protobufjs knows google/protobuf/*; anything else fails, reported per file
  }

  readonly lookup: GrpcSchemaLookup = (serviceName, methodName) => {
    this.checkSoon();
    if (this.files.length === 0) return { unavailable: 'no .proto files in the workspace' };
    const service = this.root?.lookup(serviceName);
    if (!(service instanceof protobuf.Service)) {
      const why = this.problems.length ? ` (${this.problems.length} .proto problems, e.g. ${this.problems[0]})` : '';
      return { unavailable: `no .proto file in the workspace declares service ${serviceName}${why}` };
    }
    const method = service.methods[methodName];
    if (!method) return { unavailable: `${serviceName} (${service.filename ?? '?'}) has no method ${methodName}` };
    const request = method.resolvedRequestType;
    const response = method.resolvedResponseType;
    if (!request || !response) return { unavailable: `${serviceName}.${methodName}: its message types did not resolve` };
    const decoder = (type: protobuf.Type) => (bytes: Uint8Array): string => JSON.stringify(type.toObject(type.decode(bytes), TO_OBJECT), null, 2);
    const schema: GrpcMethodSchema = {
      file: this.relative(service.filename ?? ''),
      requestType: request.fullName.replace(/^\./, ''),
      responseType: response.fullName.replace(/^\./, ''),
      decodeRequest: decoder(request),
      decodeResponse: decoder(response),
    };
    return schema;
  };

  private relative(file: string): string {
    const folder = this.folders.find((f) => file.startsWith(f + sep));
    return folder ? file.slice(folder.length + 1) : file;
  }
}
