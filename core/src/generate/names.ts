// Names for generated components and operation ids: from path resources and property names,
// PascalCase, singular, unique within the document.

const IRREGULAR: Record<string, string> = { people: 'person', children: 'child', men: 'man', women: 'woman', data: 'data', status: 'status', news: 'news' };

export function singular(word: string): string {
  const lower = word.toLowerCase();
  const irregular = IRREGULAR[lower];
  if (irregular !== undefined) return word.slice(0, 1) + irregular.slice(1);
  if (/ies$/i.test(word) && word.length > 4) return word.slice(0, -3) + 'y';
  if (/(ss|x|ch|sh)es$/i.test(word)) return word.slice(0, -2);
  if (/(ss|us|is)$/i.test(word)) return word;
  if (/s$/i.test(word) && word.length > 1) return word.slice(0, -1);
  return word;
}

/** `pull_requests` / `pull-requests` / `pullRequests` → `PullRequests`; '' when nothing usable. */
export function pascal(text: string): string {
  const words = text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '');
  const joined = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  // Component names must match ^[a-zA-Z0-9.\-_]+$; a leading digit reads badly, so prefix it.
  return /^[0-9]/.test(joined) ? `N${joined}` : joined;
}

export function singularPascal(text: string): string {
  const words = text.split(/[^A-Za-z0-9]+/).filter((w) => w !== '');
  const last = words.pop();
  if (last === undefined) return '';
  return pascal([...words, singular(last)].join(' '));
}

/** The last literal segment of a template (`/repos/{owner}/{repo}/issues/{n}` → `issues`). */
export function resourceOf(template: string): string {
  const literals = template.split('/').filter((s) => s !== '' && !s.includes('{'));
  return literals[literals.length - 1] ?? 'root';
}

export class UniqueNames {
  private readonly used = new Set<string>();

  take(wanted: string): string {
    const base = wanted === '' ? 'Schema' : wanted;
    let name = base;
    for (let i = 2; this.used.has(name); i++) name = `${base}${i}`;
    this.used.add(name);
    return name;
  }
}

/** `get` + `/repos/{owner}/{repo}/issues` → `getReposIssues`; parameters as `By…`. */
export function operationIdFor(method: string, template: string): string {
  const segs = template.split('/').filter((s) => s !== '');
  const literal = segs.filter((s) => !s.includes('{')).map(pascal).join('');
  const last = segs[segs.length - 1];
  const by = last !== undefined && last.startsWith('{') ? `By${pascal(last.replace(/[{}]/g, ''))}` : '';
  return `${method.toLowerCase()}${literal || 'Root'}${by}`;
}
