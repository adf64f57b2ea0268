// Where a message may start again after the capture lost bytes: the parser drops what comes
// before it (a guess that is ours to make only after our own loss, never after the sender's).
import { latin1 } from './bytes';

const METHODS = ['GET ', 'POST ', 'PUT ', 'DELETE ', 'PATCH ', 'HEAD ', 'OPTIONS ', 'CONNECT ', 'TRACE '];

export function findMessageStart(buf: Uint8Array, from: number, kind: 'request' | 'response'): number {
  const text = latin1(buf, from, buf.length);
  if (kind === 'response') {
    const i = text.search(/HTTP\/1\.[01] \d{3}/);
    return i < 0 ? -1 : from + i;
  }
  let best = -1;
  for (const m of METHODS) {
    const i = text.indexOf(m);
    if (i >= 0 && (best < 0 || i < best) && /^[A-Z]+ \S+ HTTP\/1\.[01]\r?$/m.test(text.slice(i, text.indexOf('\n', i) + 1 || undefined))) best = i;
  }
  return best < 0 ? -1 : from + best;
}
