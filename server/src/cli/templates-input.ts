// The user's path templates for `tapline diff`: `--templates <file>`, or else the
// `.tapline/templates.json` of the spec's workspace (the nearest folder, from the spec's own
// up to the repository's root, that has one) — the file "Tapline: Edit Path Template…" writes, so that the CLI groups
// undocumented traffic as the editor does. An invalid file is an error (exit 2) naming each
// problem: silently templating otherwise would report other endpoints than the editor shows.
import type { UserTemplateOf } from '../../../core/src/diff/group';
import { KnownTemplates } from '../../../core/src/inventory/known-templates';
import { parseUserTemplates, USER_TEMPLATES_FILE, type UserTemplate } from '../../../core/src/inventory/user-templates';

export interface TemplatesIo {
  readFile(path: string): string | undefined;
  stderr(text: string): void;
}

/** A file's text, or undefined when it is missing (an injected readFile may throw instead). */
function tryRead(io: TemplatesIo, path: string): string | undefined {
  try {
    return io.readFile(path);
  } catch {
    return undefined;
  }
}

/** A folder holding `.git`: a repository's own (`.git/HEAD`) or a worktree's or submodule's (a `.git` file). */
function isRepositoryRoot(io: TemplatesIo, dir: string): boolean {
  return tryRead(io, `${dir}/.git/HEAD`) !== undefined || tryRead(io, `${dir}/.git`) !== undefined;
}

/**
 * The folders searched for the workspace's file, nearest first: from the spec's own up to the
 * repository's root (the nearest folder holding `.git`). Outside a repository: up to the current
 * directory when the spec lies below it, else the spec's folder alone. Never further: a file
 * above the repository (another project's, a home folder's) is no part of this workspace.
 */
function searchedFolders(specPath: string, cwd: string, io: TemplatesIo): string[] {
  const chain: string[] = [];
  let dir = specPath.slice(0, Math.max(0, specPath.lastIndexOf('/')));
  for (;;) {
    chain.push(dir === '' ? '/' : dir);
    if (isRepositoryRoot(io, dir)) return chain;
    if (dir === '') break;
    dir = dir.slice(0, dir.lastIndexOf('/'));
  }
  const top = chain.indexOf(cwd.replace(/(.)\/$/, '$1'));
  return chain.slice(0, top < 0 ? 1 : top + 1);
}

/** Per service first (entries naming it), then the templates for every service. */
export function userTemplateResolver(templates: readonly UserTemplate[]): UserTemplateOf | undefined {
  if (templates.length === 0) return undefined;
  const everyService = new KnownTemplates(templates.filter((t) => t.service === undefined).map((t) => t.template));
  const byService = new Map<string, KnownTemplates>();
  for (const t of templates) {
    if (t.service === undefined) continue;
    const known = byService.get(t.service) ?? new KnownTemplates();
    known.add(t.template);
    byService.set(t.service, known);
  }
  return (path, service) => byService.get(service)?.match(path) ?? (everyService.count > 0 ? everyService.match(path) : undefined);
}

/**
 * `explicit`: the --templates file (relative to cwd); otherwise the workspace's file is looked
 * for from the spec's folder (`specPath`, absolute). Returns the templates (none: an empty list),
 * or undefined after an error was printed.
 */
export function readUserTemplates(explicit: string | undefined, specPath: string, cwd: string, io: TemplatesIo): UserTemplate[] | undefined {
  let file: string | undefined;
  let text: string | undefined;
  if (explicit !== undefined) {
    file = explicit;
    text = tryRead(io, explicit.startsWith('/') ? explicit : `${cwd.replace(/\/$/, '')}/${explicit}`);
    if (text === undefined) {
      io.stderr(`tapline: cannot read the templates file ${explicit}\n`);
      return undefined;
    }
  } else {
    for (const dir of searchedFolders(specPath, cwd, io)) {
      const candidate = `${dir.replace(/\/$/, '')}/${USER_TEMPLATES_FILE}`;
      text = tryRead(io, candidate);
      if (text !== undefined) {
        file = candidate;
        break;
      }
    }
    if (text === undefined) return [];
  }
  const parsed = parseUserTemplates(text);
  if (!parsed.ok) {
    io.stderr(`tapline: ${file} is not a valid templates file:\n${parsed.problems.map((p) => `  ${p}\n`).join('')}`);
    return undefined;
  }
  io.stderr(`tapline: ${parsed.templates.length} path template${parsed.templates.length === 1 ? '' : 's'} from ${file}\n`);
  return parsed.templates;
}
