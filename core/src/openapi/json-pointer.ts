// RFC 6901 JSON pointers, the address of every node in the model ("/paths/~1pets/get").

export function encodePointer(segments: readonly (string | number)[]): string {
  let out = '';
  for (const s of segments) out += '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1');
  return out;
}

export function decodePointer(pointer: string): string[] {
  if (pointer === '' || pointer === '#') return [];
  const body = pointer.startsWith('#') ? pointer.slice(1) : pointer;
  if (!body.startsWith('/')) return [];
  return body
    .slice(1)
    .split('/')
    .map((s) => safeDecodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function appendPointer(pointer: string, ...segments: (string | number)[]): string {
  return pointer + encodePointer(segments);
}

function safeDecodeURIComponent(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Follows a pointer through plain JS values; undefined when a segment is missing. */
export function getAtPointer(root: unknown, segments: readonly string[]): unknown {
  let node: unknown = root;
  for (const seg of segments) {
    node = childOf(node, seg);
    if (node === undefined) return undefined;
  }
  return node;
}

/** One step of a pointer: an array's element or an object's own property; undefined otherwise. */
export function childOf(node: unknown, seg: string): unknown {
  if (Array.isArray(node)) return node[Number(seg)];
  if (node !== null && typeof node === 'object') return Object.prototype.hasOwnProperty.call(node, seg) ? (node as Record<string, unknown>)[seg] : undefined;
  return undefined;
}
