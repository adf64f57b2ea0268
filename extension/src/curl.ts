import type { Transaction } from '../../core/src/protocol/transaction';

/** A shell-safe curl command for a sample (single quotes; redacted values stay redacted). */
export function curlFor(t: Transaction): string {
  const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const scheme = t.tls ? 'https' : 'http';
  const host = t.request.headers.find((h) => h.name.toLowerCase() === 'host')?.value ?? `${t.server.address}:${t.server.port}`;
  const parts = ['curl', '-X', quote(t.request.method), quote(`${scheme}://${host}${t.request.target}`)];
  for (const h of t.request.headers) {
    if (['host', 'content-length', 'connection'].includes(h.name.toLowerCase())) continue;
    parts.push('-H', quote(`${h.name}: ${h.value}`));
  }
  if (t.request.body?.encoding === 'text' && t.request.body.text) parts.push('--data-raw', quote(t.request.body.text));
  return parts.join(' ');
}
