// nginx configuration that lets through the documented operations only (see routes.ts for what
// matches) plus the policy's client blocks, and answers everything else itself with JSON.
// Two parts: the http-context prelude (log format, geo/map, njs) and the locations; `server`
// wraps both for a file included in `http { }`, `--snippet` prints the locations alone.
//
// Each check is an `if` whose condition is guarded by `$tapline_reason` being empty, so that in
// report mode (no `return`s) the first reason wins, as in enforce mode and in decide.ts.

import type { ResolvedPolicy } from './decide';
import { BLOCK_STATUS } from './decide';
import type { ClientBlock } from './policy';
import type { GatewayRoute } from './routes';
import { AMBIGUOUS_PATH_REGEX, allowHeader, firstLiteralSegment } from './routes';

export interface NginxOptions {
  /** http(s)://host[:port][/prefix]; the request line's target is passed on unchanged (after the prefix). */
  upstream: string;
  /** `HOST:PORT`, `[v6]:PORT` or `PORT`. */
  listen: string;
  logFile: string;
  /** Where the njs module (NJS_JWT_MODULE) is installed, for JWT `sub` blocks. */
  njsModule: string;
  /** Shown in the header comment. */
  source?: string;
}

export interface NginxConfig {
  prelude: string;
  locations: string;
  /** prelude + `server { … }`: a file for nginx's `http { }` context. */
  server: string;
  /** Whether `load_module …ngx_http_js_module.so` is needed (JWT `sub` blocks). */
  needsNjs: boolean;
}

export const DEFAULT_LOG_FILE = '/var/log/nginx/tapline-gateway.log';
export const DEFAULT_NJS_MODULE = '/etc/nginx/tapline/tapline_jwt.js';

export function parseUpstream(url: string): { origin: string; prefix: string } | undefined {
  const m = /^(https?:\/\/(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?)(\/[A-Za-z0-9._~!&'()*+,;=:@%/-]*)?$/.exec(url);
  if (!m || !m[1]) return undefined;
  const prefix = (m[2] ?? '').replace(/\/+$/, '');
  return { origin: m[1], prefix };
}

export function isListenAddress(listen: string): boolean {
  const m = /^(?:(?:\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):)?(\d{1,5})$/.exec(listen);
  return !!m && Number(m[1]) > 0 && Number(m[1]) < 65536;
}

/** A double-quoted nginx string; the callers never put `$` in one that nginx interpolates. */
export function quote(s: string): string {
  return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

function bytesToText(s: string): string {
  return new TextDecoder().decode(Uint8Array.from(s, (c) => c.charCodeAt(0)));
}

/** For `set` values and comments: nothing nginx would interpolate or read as syntax. */
function inert(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f]/g, '?').replace(/\$/g, '%24').replace(/"/g, '%22').replace(/\\/g, '%5C');
}

function blockVar(i: number): string {
  return `$tapline_block_${i + 1}`;
}

function prelude(policy: ResolvedPolicy, opts: NginxOptions): { text: string; needsNjs: boolean } {
  const lines = [
    `# Access log of the Tapline gateway: one JSON object per request, with the decision and why;`,
    `# tapline diff --log and tapline gateway --traffic-log read it back.`,
    `log_format tapline_gateway escape=json '{"time":"$time_iso8601","client":"$remote_addr","method":"$request_method","target":"$request_uri","request":"$request","protocol":"$server_protocol","scheme":"$scheme","host":"$host","status":"$status","request_time":"$request_time","operation":"$tapline_op","decision":"$tapline_decision","reason":"$tapline_reason","upstream":"$upstream_addr"}';`,
  ];
  let needsNjs = false;
  policy.blocks.forEach(({ block }, i) => {
    const sel = block.selector;
    lines.push(`# block '${block.name}'`);
    if (sel.kind === 'ip') {
      lines.push(`geo ${blockVar(i)} {`, '    default 0;', ...sel.values.map((v) => `    ${v} 1;`), '}');
      return;
    }
    // The "x" prefix keeps values from being read as map keywords (default, include) or regexes (~).
    const source = sel.kind === 'header' ? `$http_${sel.header.toLowerCase().replace(/-/g, '_')}` : '$tapline_jwt_sub';
    if (sel.kind === 'jwtSub') needsNjs = true;
    lines.push(`map "x${source}" ${blockVar(i)} {`, '    default 0;', ...sel.values.map((v) => `    ${quote('x' + v)} 1;`), '}');
  });
  if (needsNjs) {
    lines.push(
      `# JWT sub claim (not verified: the upstream verifies tokens). Needs ngx_http_js_module`,
      `# (Debian: libnginx-mod-http-js) and the module from \`tapline gateway njs\` at this path.`,
      `js_import tapline_jwt from ${quote(opts.njsModule)};`,
      `js_set $tapline_jwt_sub tapline_jwt.sub;`,
    );
  }
  return { text: lines.join('\n') + '\n', needsNjs };
}

interface Check {
  /** Condition on `$tapline_chk`, which is set to `value` first. */
  value: string;
  regex: string;
  reason: string;
  status: number;
  body: string;
  allow?: string;
}

function methodAlternation(methods: Iterable<string>): string {
  return `(?:${[...methods].join('|')})`;
}

function emitCheck(c: Check, report: boolean): string[] {
  const out = [`    set $tapline_chk ${quote(c.value)};`, `    if ($tapline_chk ~ ${quote(c.regex)}) {`];
  out.push(`        set $tapline_decision ${report ? 'would-block' : 'block'};`, `        set $tapline_reason ${quote(c.reason)};`);
  if (!report) {
    if (c.allow) out.push(`        add_header Allow ${quote(c.allow)} always;`);
    out.push(`        return ${c.status} '${c.body}';`);
  }
  out.push('    }');
  return out;
}

function locationHead(opts: NginxOptions): string[] {
  return [
    '    set $tapline_op "";',
    '    set $tapline_decision allow;',
    '    set $tapline_reason "";',
    '    default_type application/json;',
    `    access_log ${quote(opts.logFile)} tapline_gateway;`,
    `    if ($request_uri ~ ${quote(AMBIGUOUS_PATH_REGEX)}) {`,
  ];
}

function ambiguousBody(report: boolean): string[] {
  const lines = [`        set $tapline_decision ${report ? 'would-block' : 'block'};`, '        set $tapline_reason ambiguous-path;'];
  if (!report) lines.push(`        return ${BLOCK_STATUS['ambiguous-path']} '{"error":"bad_request","reason":"ambiguous-path","message":"encoded slash, backslash, NUL, bad escape, empty or dot segment in the path"}';`);
  return [...lines, '    }'];
}

function proxyPass(opts: NginxOptions): string {
  const up = parseUpstream(opts.upstream);
  if (!up) throw new Error(`bad upstream URL ${opts.upstream}`);
  return up.prefix ? `    proxy_pass ${up.origin}${up.prefix}$request_uri;` : `    proxy_pass ${up.origin};`;
}

function blocksFor(route: GatewayRoute, policy: ResolvedPolicy): { index: number; block: ClientBlock; methods: string[] | '*' }[] {
  const out: { index: number; block: ClientBlock; methods: string[] | '*' }[] = [];
  policy.blocks.forEach(({ block, operations }, index) => {
    if (operations === '*') out.push({ index, block, methods: '*' });
    else {
      const methods = [...route.methods].filter(([, op]) => operations.has(op)).map(([m]) => m);
      if (methods.length > 0) out.push({ index, block, methods });
    }
  });
  return out;
}

function routeLocation(route: GatewayRoute, policy: ResolvedPolicy, opts: NginxOptions): string[] {
  const report = policy.mode === 'report';
  const match = route.exact !== undefined ? `= ${quote(bytesToText(route.exact))}` : `~ ${quote(bytesToText(route.regex ?? ''))}`;
  const lines = [`# ${inert(allowHeader(route))} ${inert(route.fullPath)}`, `location ${match} {`, ...locationHead(opts), ...ambiguousBody(report)];
  const allow = allowHeader(route);
  lines.push(
    ...emitCheck(
      {
        value: '$tapline_reason:$request_method',
        regex: `^:(?!${methodAlternation(route.methods.keys())}$)`,
        reason: 'method-not-documented',
        status: BLOCK_STATUS['method-not-documented'],
        body: `{"error":"method_not_allowed","reason":"method-not-documented","allow":[${[...route.methods.keys()].map((m) => `"${m}"`).join(',')}]}`,
        allow,
      },
      report,
    ),
  );
  for (const [method, op] of route.methods) lines.push(`    if ($request_method = ${method}) {`, `        set $tapline_op ${quote(inert(op))};`, '    }');
  const denied = [...route.methods].filter(([, op]) => policy.denied.has(op)).map(([m]) => m);
  if (denied.length > 0) {
    lines.push(...emitCheck({ value: '$tapline_reason:$request_method', regex: `^:${methodAlternation(denied)}$`, reason: 'operation-denied', status: 403, body: '{"error":"forbidden","reason":"operation-denied"}' }, report));
  }
  for (const { index, block, methods } of blocksFor(route, policy)) {
    lines.push(
      ...emitCheck(
        {
          value: `$tapline_reason:$request_method:${blockVar(index)}`,
          regex: methods === '*' ? '^:[^:]+:1$' : `^:${methodAlternation(methods)}:1$`,
          reason: `client-blocked:${block.name}`,
          status: 403,
          body: `{"error":"forbidden","reason":"client-blocked","rule":"${block.name}"}`,
        },
        report,
      ),
    );
  }
  lines.push(proxyPass(opts), '}');
  return lines;
}

function catchAll(policy: ResolvedPolicy, opts: NginxOptions, prefix = '/', nested: readonly string[] = []): string[] {
  const report = policy.mode === 'report';
  const comment = prefix === '/' ? '# Everything the description does not document.' : `# Routes under ${inert(bytesToText(prefix))}: nginx tries only these regexes for such paths; the rest is undocumented.`;
  const lines = [comment, `location ${prefix === '/' ? '/' : quote(bytesToText(prefix))} {`, ...locationHead(opts), ...ambiguousBody(report)];
  if (report) lines.push('    if ($tapline_reason = "") {', '        set $tapline_decision would-block;', '        set $tapline_reason path-not-documented;', '    }', proxyPass(opts));
  else lines.push('    set $tapline_decision block;', '    set $tapline_reason path-not-documented;', `    return 404 '{"error":"not_found","reason":"path-not-documented"}';`);
  return [...lines, ...nested.map((l) => (l === '' ? '' : '    ' + l)), '}'];
}

/**
 * Regex routes whose first segment is literal are nested in a prefix location for that segment,
 * so that nginx (which tries regex locations one by one) runs only the regexes of that segment's
 * routes: a tree lookup, then a handful of regexes, instead of hundreds. nginx tries the nested
 * regexes first and the top-level ones after, which is the routes' own order (literal first
 * segments sort first), so the matching is unchanged.
 */
function locationBlocks(routes: readonly GatewayRoute[], policy: ResolvedPolicy, opts: NginxOptions): string[] {
  const groups = new Map<string, GatewayRoute[]>();
  const topLevel: GatewayRoute[] = [];
  for (const r of routes) {
    if (r.exact !== undefined) continue;
    const first = firstLiteralSegment(r);
    if (first === undefined) topLevel.push(r);
    else groups.set(first, [...(groups.get(first) ?? []), r]);
  }
  const out: string[] = [];
  for (const r of routes) if (r.exact !== undefined) out.push(...routeLocation(r, policy, opts), '');
  for (const [first, group] of groups) out.push(...catchAll(policy, opts, `/${first}/`, group.flatMap((r) => [...routeLocation(r, policy, opts), ''])), '');
  for (const r of topLevel) out.push(...routeLocation(r, policy, opts), '');
  return [...out, ...catchAll(policy, opts)];
}

export function generateNginx(routes: readonly GatewayRoute[], policy: ResolvedPolicy, opts: NginxOptions): NginxConfig {
  const pre = prelude(policy, opts);
  const header = [
    `# Generated by \`tapline gateway nginx\`${opts.source ? ` from ${inert(opts.source)}` : ''} (${policy.mode} mode): ${routes.reduce((n, r) => n + r.methods.size, 0)} documented operations.`,
    policy.mode === 'report' ? '# Report mode: everything is proxied; the access log says what enforce mode would block and why.' : '# Enforce mode: anything else is answered here with JSON (400, 403, 404, 405) and logged with why.',
  ];
  const locs = locationBlocks(routes, policy, opts);
  const locations = [...header, ...locs].join('\n') + '\n';
  const server = [
    ...header,
    pre.text.trimEnd(),
    '',
    'server {',
    `    listen ${opts.listen};`,
    '    server_tokens off;',
    '    # Empty segments are not merged: the upstream sees the path as sent, so the gateway judges that one.',
    '    merge_slashes off;',
    '    # Requests nginx itself refuses (a bad escape, a NUL) never reach a location; log them too.',
    `    access_log ${quote(opts.logFile)} tapline_gateway;`,
    '    proxy_http_version 1.1;',
    '    proxy_set_header Host $host;',
    '    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    '    proxy_set_header X-Forwarded-Proto $scheme;',
    '',
    ...locs.map((l) => (l === '' ? '' : '    ' + l)),
    '}',
  ].join('\n');
  return { prelude: pre.text, locations, server: server + '\n', needsNjs: pre.needsNjs };
}
