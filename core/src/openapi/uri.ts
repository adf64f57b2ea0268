// Relative reference resolution for `$ref`s between files. core/ has no URL class (no DOM, no
// node typings), and the host's URIs are plain `scheme:/path` or bare paths, so a small
// path-based resolver is enough: it keeps the scheme/authority of the base and joins paths.

export function splitRef(ref: string): { uriPart: string; fragment: string } {
  const hash = ref.indexOf('#');
  return hash === -1 ? { uriPart: ref, fragment: '' } : { uriPart: ref.slice(0, hash), fragment: ref.slice(hash + 1) };
}

export function resolveUri(base: string, relative: string): string {
  if (relative === '') return base;
  if (/^[a-z][a-z0-9+.-]*:/i.test(relative)) return relative;
  const m = /^([a-z][a-z0-9+.-]*:(?:\/\/[^/]*)?)?(.*)$/i.exec(base);
  const prefix = m?.[1] ?? '';
  const basePath = m?.[2] ?? '';
  const joined = relative.startsWith('/') ? relative : basePath.slice(0, basePath.lastIndexOf('/') + 1) + relative;
  return prefix + normalizePath(joined);
}

function normalizePath(path: string): string {
  const absolute = path.startsWith('/');
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!absolute) out.push('..');
    } else out.push(seg);
  }
  const trailing = path.endsWith('/') && out.length > 0 ? '/' : '';
  return (absolute ? '/' : '') + out.join('/') + trailing;
}
