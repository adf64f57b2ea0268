// The gateway policy: what, beyond "documented operations only", a gateway blocks. Read from the
// workspace's `tapline-gateway.yaml` (schemas/tapline-gateway.schema.json describes the same shape
// for editors) and from CLI options. Values end up inside nginx configuration, so they are held
// to a character set that needs no escaping there: a bad value is an error, never a silent edit.

import { parse as parseYaml } from 'yaml';
import { isRecord } from '../json-record';
import { parseIpRange } from './ip-range';

export type GatewayMode = 'enforce' | 'report';

export type ClientSelector =
  | { kind: 'ip'; values: string[] }
  | { kind: 'header'; header: string; values: string[] }
  | { kind: 'jwtSub'; values: string[] };

export interface ClientBlock {
  /** Shown in logs and reports as `client-blocked:<name>`. */
  name: string;
  selector: ClientSelector;
  /** Operation keys (`GET /pets/{petId}`) or every operation. */
  operations: string[] | '*';
}

export interface GatewayPolicy {
  mode?: GatewayMode;
  /** Operations answered 403 for every client (zombie operations, say). */
  deny: string[];
  blocks: ClientBlock[];
}

export interface PolicyProblem {
  path: string;
  message: string;
}

export type PolicyResult = { ok: true; policy: GatewayPolicy } | { ok: false; problems: PolicyProblem[] };

export const POLICY_FILE_NAME = 'tapline-gateway.yaml';

/** Printable ASCII without space, quotes, `$`, `;`, `\`, braces and `#`: safe in nginx strings. */
export const SAFE_VALUE = /^[!%&()*+,\-./0-9:<=>?@A-Z[\]^_`a-z|~]+$/;
/** nginx drops header names with underscores by default; HTTP tokens otherwise. */
export const HEADER_NAME = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
export const BLOCK_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const OPERATION_KEY = /^(GET|PUT|POST|DELETE|OPTIONS|HEAD|PATCH|TRACE) (\/\S*)$/;

export function emptyPolicy(): GatewayPolicy {
  return { deny: [], blocks: [] };
}

export function parsePolicyText(text: string): PolicyResult {
  let value: unknown;
  try {
    value = parseYaml(text, { prettyErrors: false });
  } catch (e) {
    return { ok: false, problems: [{ path: '', message: `not YAML/JSON: ${e instanceof Error ? e.message : String(e)}` }] };
  }
  return validatePolicy(value ?? {});
}

function stringList(value: unknown, path: string, problems: PolicyProblem[], check: (s: string) => string | undefined): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0) {
    problems.push({ path, message: 'must be a non-empty list of strings' });
    return [];
  }
  const out: string[] = [];
  list.forEach((v, i) => {
    if (typeof v !== 'string') {
      problems.push({ path: `${path}/${i}`, message: 'must be a string' });
      return;
    }
    const why = check(v);
    if (why) problems.push({ path: `${path}/${i}`, message: why });
    else out.push(v);
  });
  return out;
}

export function checkSafeValue(v: string): string | undefined {
  return SAFE_VALUE.test(v) ? undefined : `'${printable(v)}' has characters a gateway value may not hold (allowed: printable ASCII except space " ' $ ; \\ { } #)`;
}

export function checkOperationKey(v: string): string | undefined {
  return OPERATION_KEY.test(v) ? undefined : `'${printable(v)}' is not an operation like 'GET /pets/{petId}' (upper-case method, one space, the path as documented)`;
}

function checkIp(v: string): string | undefined {
  return parseIpRange(v) ? undefined : `'${printable(v)}' is not an IPv4/IPv6 address or CIDR range`;
}

function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?').slice(0, 80);
}

function parseSelector(b: Record<string, unknown>, path: string, problems: PolicyProblem[]): ClientSelector | undefined {
  const kinds = (['ip', 'header', 'jwtSub'] as const).filter((k) => b[k] !== undefined);
  if (kinds.length !== 1) {
    problems.push({ path, message: 'needs exactly one of ip, header, jwtSub' });
    return undefined;
  }
  if (kinds[0] === 'ip') return { kind: 'ip', values: stringList(b.ip, `${path}/ip`, problems, checkIp) };
  if (kinds[0] === 'jwtSub') return { kind: 'jwtSub', values: stringList(b.jwtSub, `${path}/jwtSub`, problems, checkSafeValue) };
  const h = b.header;
  if (!isRecord(h) || typeof h.name !== 'string') {
    problems.push({ path: `${path}/header`, message: 'must be { name: <header>, values: [<value>, …] }' });
    return undefined;
  }
  if (!HEADER_NAME.test(h.name)) problems.push({ path: `${path}/header/name`, message: `'${printable(h.name)}' is not a header name nginx reads (letters, digits, '-')` });
  return { kind: 'header', header: h.name, values: stringList(h.values, `${path}/header/values`, problems, checkSafeValue) };
}

export function validatePolicy(value: unknown): PolicyResult {
  const problems: PolicyProblem[] = [];
  if (!isRecord(value)) return { ok: false, problems: [{ path: '', message: 'the policy must be a mapping (mode, deny, block)' }] };
  for (const key of Object.keys(value)) {
    if (!['mode', 'deny', 'block', '$schema'].includes(key)) problems.push({ path: `/${key}`, message: `unknown key '${printable(key)}' (expected mode, deny, block)` });
  }
  const policy = emptyPolicy();
  if (value.mode !== undefined) {
    if (value.mode === 'enforce' || value.mode === 'report') policy.mode = value.mode;
    else problems.push({ path: '/mode', message: "must be 'enforce' or 'report'" });
  }
  if (value.deny !== undefined && !(Array.isArray(value.deny) && value.deny.length === 0)) policy.deny = stringList(value.deny, '/deny', problems, checkOperationKey);
  if (value.block !== undefined && !Array.isArray(value.block)) problems.push({ path: '/block', message: 'must be a list' });
  const names = new Set<string>();
  (Array.isArray(value.block) ? value.block : []).forEach((b: unknown, i) => {
    const path = `/block/${i}`;
    if (!isRecord(b)) {
      problems.push({ path, message: 'must be a mapping (name, ip | header | jwtSub, operations)' });
      return;
    }
    for (const key of Object.keys(b)) {
      if (!['name', 'ip', 'header', 'jwtSub', 'operations'].includes(key)) problems.push({ path: `${path}/${key}`, message: `unknown key '${printable(key)}'` });
    }
    const name = typeof b.name === 'string' ? b.name : `block-${i + 1}`;
    if (!BLOCK_NAME.test(name)) problems.push({ path: `${path}/name`, message: `'${printable(name)}' must be letters, digits, '.', '_', '-'` });
    else if (names.has(name)) problems.push({ path: `${path}/name`, message: `'${name}' is used twice` });
    names.add(name);
    const selector = parseSelector(b, path, problems);
    let operations: string[] | '*' = '*';
    if (b.operations !== undefined && b.operations !== '*') operations = stringList(b.operations, `${path}/operations`, problems, checkOperationKey);
    if (selector) policy.blocks.push({ name, selector, operations });
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, policy };
}

/** CLI blocks come after the file's; the CLI's mode wins. */
export function mergePolicies(file: GatewayPolicy, cli: GatewayPolicy): GatewayPolicy {
  const mode = cli.mode ?? file.mode;
  return { ...(mode ? { mode } : {}), deny: [...new Set([...file.deny, ...cli.deny])], blocks: [...file.blocks, ...cli.blocks] };
}
