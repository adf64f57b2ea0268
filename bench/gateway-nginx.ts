// What the generated gateway costs: the same nginx, the same upstream (an nginx server answering
// 200 itself, so that the gateway's work is not hidden behind a slow upstream), measured with wrk
// in one run: a plain `proxy_pass` server (the baseline) against the gateway generated from
// GitHub's REST description (1,223 operations, ~700 locations, every request logged as JSON).
// Prints requests/s ratios; the target is on the worst case, a path matched by the last regex.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolvePolicy } from '../core/src/gateway/decide';
import { DEFAULT_NJS_MODULE, generateNginx } from '../core/src/gateway/nginx';
import { emptyPolicy } from '../core/src/gateway/policy';
import { compileRoutes } from '../core/src/gateway/routes';
import { loadSpec } from '../core/src/openapi/load';
import { freePort, nginxPrefix, startNginx } from '../test/support/nginx';
import { reportTarget } from './target';

const SECONDS = Number(process.env.TAPLINE_BENCH_SECONDS ?? 3);
const GITHUB = path.resolve(__dirname, '../node_modules/@octokit/openapi/generated/api.github.com.json');

function wrk(url: string): number {
  const r = spawnSync('wrk', ['-t1', '-c16', `-d${SECONDS}s`, url], { encoding: 'utf8' });
  const m = /Requests\/sec:\s+([\d.]+)/.exec(r.stdout);
  if (r.status !== 0 || !m?.[1]) throw new Error(`wrk failed: ${r.stderr || r.stdout}`);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(r.stdout);
  if (non2xx && !url.includes('tapline-undocumented')) throw new Error(`${url}: ${non2xx[1]} non-2xx answers`);
  return Number(m[1]);
}

async function main(): Promise<void> {
  const started = Date.now();
  const spec = await loadSpec(pathToFileURL(GITHUB).href, (uri) => readFileSync(new URL(uri), 'utf8'));
  if (!spec.model) throw new Error('GitHub description did not load');
  const routes = compileRoutes(spec.model);
  const [gatewayPort, basePort, upstreamPort] = [await freePort(), await freePort(), await freePort()];
  const prefix = nginxPrefix();
  const genStart = performance.now();
  const config = generateNginx(routes, resolvePolicy(routes, emptyPolicy(), 'enforce'), {
    upstream: `http://127.0.0.1:${upstreamPort}`,
    listen: `127.0.0.1:${gatewayPort}`,
    logFile: prefix.logFile,
    njsModule: DEFAULT_NJS_MODULE,
  });
  const genMs = performance.now() - genStart;
  // TAPLINE_BENCH_VARIANT=nolog measures the same gateway without its access log (what the log costs).
  const text = process.env.TAPLINE_BENCH_VARIANT === 'nolog' ? config.server.replace(/access_log "[^"]+" tapline_gateway;/g, 'access_log off;') : config.server;
  writeFileSync(
    path.join(prefix.dir, 'gateway.conf'),
    `${text}
server { listen 127.0.0.1:${upstreamPort}; access_log off; location / { return 200 'ok'; } }
server { listen 127.0.0.1:${basePort}; access_log off; location / { proxy_http_version 1.1; proxy_pass http://127.0.0.1:${upstreamPort}; } }
`,
  );
  const nginx = await startNginx(prefix.dir, gatewayPort);
  try {
    const regexRoutes = routes.filter((r) => r.regex);
    const last = regexRoutes[regexRoutes.length - 1];
    const exact = routes.find((r) => r.exact === '/user');
    if (!last || !exact) throw new Error('no routes to measure');
    const lastPath = last.fullPath.replace(/\{[^{}]+\}/g, 'x');
    const method = [...last.methods.keys()][0];
    if (method !== 'GET') console.log(`note: the last regex route ${last.fullPath} is ${method ?? '?'}; wrk sends GET, so it measures the 405 answer`);
    console.log(`config: ${routes.length} locations, ${config.server.length.toLocaleString()} bytes, generated in ${genMs.toFixed(0)} ms`);
    const cases: [string, string][] = [
      ['exact location (/user)', '/user'],
      [`last regex location (${last.fullPath})`, lastPath],
      ['undocumented path (404 from the gateway)', '/tapline-undocumented/x'],
    ];
    const baseline = wrk(`http://127.0.0.1:${basePort}/user`);
    console.log(`baseline (plain proxy_pass): ${baseline.toFixed(0)} requests/s`);
    let worst = Infinity;
    for (const [name, p] of cases) {
      const rps = wrk(`http://127.0.0.1:${gatewayPort}${p}`);
      const ratio = rps / baseline;
      console.log(`gateway, ${name}: ${rps.toFixed(0)} requests/s = ${ratio.toFixed(2)} × baseline`);
      if (name.startsWith('last regex')) worst = ratio;
    }
    reportTarget('nginx gateway (GitHub, last regex location) ÷ plain proxy_pass, requests/s', worst, { atLeast: 0.5 }, '×');
  } finally {
    await nginx.stop();
  }
  console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

void main();
