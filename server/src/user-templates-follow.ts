// Follows each workspace folder's `.tapline/templates.json` (written by "Tapline: Edit Path
// Template…" or by hand): read when folders are known, again when the file changes on disk or in
// an editor, and handed to the traffic, which regroups the inventory. An invalid file is reported
// in the log and applies nothing, so a half-typed edit never scrambles the views.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseUserTemplates, USER_TEMPLATES_FILE, type UserTemplate } from '../../core/src/inventory/user-templates';

export interface UserTemplatesHost {
  folders(): readonly string[];
  /** The text of an open editor for this uri, if any (it wins over the disk). */
  openText(uri: string): string | undefined;
  apply(templates: readonly UserTemplate[]): void;
  log(message: string): void;
}

export function isUserTemplatesUri(uri: string): boolean {
  return uri.endsWith(`/${USER_TEMPLATES_FILE}`);
}

export class UserTemplatesFollower {
  /** Per file: the templates of its last valid text (kept while the file is invalid). */
  private readonly byFile = new Map<string, readonly UserTemplate[]>();
  private generation = 0;

  constructor(private readonly host: UserTemplatesHost) {}

  /** Re-reads every folder's file and applies the union (the first folder's entries first). */
  async refresh(): Promise<void> {
    const mine = ++this.generation;
    const uris = this.host.folders().map((folder) => `${folder.replace(/\/$/, '')}/${USER_TEMPLATES_FILE}`);
    const texts = await Promise.all(uris.map(async (uri) => this.host.openText(uri) ?? (await readFile(fileURLToPath(uri), 'utf8').catch(() => undefined))));
    if (mine !== this.generation) return; // a newer refresh is under way
    for (const uri of [...this.byFile.keys()]) if (!uris.includes(uri)) this.byFile.delete(uri);
    uris.forEach((uri, i) => {
      const text = texts[i];
      if (text === undefined) return void this.byFile.delete(uri);
      const parsed = parseUserTemplates(text);
      if (!parsed.ok) return this.host.log(`${uri} is invalid, its previous templates stay: ${parsed.problems.join('; ')}`);
      if (JSON.stringify(parsed.templates) !== JSON.stringify(this.byFile.get(uri))) this.host.log(`${uri}: ${parsed.templates.length} path templates`);
      this.byFile.set(uri, parsed.templates);
    });
    this.host.apply(uris.flatMap((uri) => this.byFile.get(uri) ?? []));
  }
}
