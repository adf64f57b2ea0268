// The calls behind the walkthrough's sample traffic: an app's day with the pet service, in a fixed
// order (a seeded generator, so a re-recording differs only in times and ids). Documented calls,
// calls the spec does not describe (photos, orders, health, delete), errors (404, 400, 422), and
// credentials and PII the sensor must redact (bearer JWTs, an API key header and query parameter).
export interface SampleCall {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

const NAMES = ['Kiwi', 'Biscuit', 'Mochi', 'Pepper', 'Luna', 'Otis', 'Hazel', 'Ziggy', 'Nala', 'Milo'];
const TAGS = ['bird', 'dog', 'cat', 'rabbit', 'fish'];
const JWT = 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTQyIiwiZW1haWwiOiJhbmFAZXhhbXBsZS5jb20ifQ.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg';

/** Mulberry32: tiny, seeded, good enough to shuffle calls. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uuid(next: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(next() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function sampleCalls(count = 320): SampleCall[] {
  const next = random(15);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const orders = Array.from({ length: 12 }, () => uuid(next));
  const auth = { authorization: JWT, accept: 'application/json', 'user-agent': 'petshop-web/2.3.1' };
  const json = { ...auth, 'content-type': 'application/json' };
  const kinds: Array<[number, () => SampleCall]> = [
    [30, () => ({ method: 'GET', path: `/v1/pets?limit=${1 + Math.floor(next() * 20)}`, headers: auth })],
    [30, () => ({ method: 'GET', path: `/v1/pets/${1 + Math.floor(next() * 14)}`, headers: auth })],
    [8, () => ({ method: 'POST', path: '/v1/pets', headers: json, body: JSON.stringify({ name: pick(NAMES), tag: pick(TAGS) }) })],
    [2, () => ({ method: 'POST', path: '/v1/pets', headers: json, body: JSON.stringify({ tag: pick(TAGS) }) })],
    [1, () => ({ method: 'POST', path: '/v1/pets', headers: json, body: '{"name": "Rex",' })],
    [8, () => ({ method: 'GET', path: `/v1/pets/${1 + Math.floor(next() * 8)}/photos`, headers: auth })],
    [12, () => ({ method: 'GET', path: `/v1/orders/${pick(orders)}`, headers: { ...auth, 'x-api-key': `tapline-demo-key-${Math.floor(next() * 1e9).toString(36)}9QxTz` } })],
    [4, () => ({ method: 'DELETE', path: `/v1/pets/${4 + Math.floor(next() * 10)}`, headers: auth })],
    [4, () => ({ method: 'GET', path: '/v1/health', headers: { 'user-agent': 'kube-probe/1.29' } })],
    [1, () => ({ method: 'GET', path: `/v1/pets?limit=5&api_key=sk_test_${Math.floor(next() * 1e12).toString(36)}Ab12Cd34`, headers: { accept: 'application/json' } })],
  ];
  const total = kinds.reduce((sum, [weight]) => sum + weight, 0);
  return Array.from({ length: count }, () => {
    let roll = next() * total;
    for (const [weight, make] of kinds) {
      roll -= weight;
      if (roll < 0) return make();
    }
    return kinds[0]![1]();
  });
}
