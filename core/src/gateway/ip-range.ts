// IPv4/IPv6 addresses and CIDR ranges, as nginx's `geo` module reads them, so that the policy
// report decides "is this client in the range" the way the gateway will.

export interface IpRange {
  family: 4 | 6;
  network: bigint;
  prefix: number;
}

function parseV4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = (n << 8n) | BigInt(Number(p));
  }
  return n;
}

function parseV6(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || s.split('::').length > 2) return undefined;
  let tail4: bigint | undefined;
  let text = s;
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    tail4 = parseV4(s.slice(lastColon + 1));
    if (tail4 === undefined) return undefined;
    text = s.slice(0, lastColon + 1) + '0:0';
  }
  const [head = '', rest] = text.split('::');
  const hs = head === '' ? [] : head.split(':');
  const ts = rest === undefined || rest === '' ? [] : rest.split(':');
  const missing = 8 - hs.length - ts.length;
  if (rest === undefined ? missing !== 0 : missing < 1) return undefined;
  const groups = [...hs, ...Array<string>(rest === undefined ? 0 : missing).fill('0'), ...ts];
  let n = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  if (tail4 !== undefined) n = (n & ~0xffffffffn) | tail4;
  return n;
}

export function parseIp(s: string): { family: 4 | 6; value: bigint } | undefined {
  const v4 = parseV4(s);
  if (v4 !== undefined) return { family: 4, value: v4 };
  const v6 = parseV6(s);
  return v6 !== undefined ? { family: 6, value: v6 } : undefined;
}

export function parseIpRange(s: string): IpRange | undefined {
  const [addr = '', prefixText, extra] = s.split('/');
  if (extra !== undefined) return undefined;
  const ip = parseIp(addr);
  if (!ip) return undefined;
  const width = ip.family === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? width : Number(prefixText);
  if (prefix > width) return undefined;
  const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(width - prefix);
  return { family: ip.family, network: ip.value & mask, prefix };
}

export function rangeContains(range: IpRange, address: string): boolean {
  let ip = parseIp(address);
  if (!ip) return false;
  // nginx's geo compares an IPv4-mapped IPv6 client (::ffff:a.b.c.d) as IPv4.
  if (ip.family === 6 && range.family === 4 && ip.value >> 32n === 0xffffn) ip = { family: 4, value: ip.value & 0xffffffffn };
  if (ip.family !== range.family) return false;
  const width = range.family === 4 ? 32 : 128;
  const mask = range.prefix === 0 ? 0n : ((1n << BigInt(range.prefix)) - 1n) << BigInt(width - range.prefix);
  return (ip.value & mask) === range.network;
}
