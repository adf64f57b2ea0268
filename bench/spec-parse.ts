// Edit → fresh diagnostics on GitHub's REST description (YAML, ≈10 MB), against the time the
// `yaml` library's parseDocument alone takes on the same text, measured in the same run.
//   node --import tsx bench/spec-parse.ts [runs=3]
// Also: the JSON form (against JSON.parse), and computing one quick fix.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseDocument } from 'yaml';
import { createSession, diffSpec, type SpecSession } from '../core/src/diff/diff';
import { finishLoad } from '../core/src/openapi/load';
import type { DocumentParser, ParsedDocument } from '../core/src/openapi/parsed-document';
import { defaultParser, yamlLibraryParser } from '../core/src/openapi/parse';
import { readFastYaml } from '../core/src/openapi/fast-yaml/reader';
import { planFix } from '../core/src/patch/plan';
import type { Transaction } from '../core/src/protocol/transaction';
import { githubJson, githubYaml, median, time } from './spec-github';
import { reportTarget } from './target';

const RUNS = Number(process.argv[2] ?? 3);

// Collect between timed sections so that one side's garbage (the yaml Document is large) is not
// collected on the other side's clock.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
function timed<T>(f: () => T): { ms: number; value: T } {
  gc();
  return time(f);
}

// After a full GC of this heap (several models of a 10 MB document), V8 sweeps concurrently for a
// while, and a section of a few milliseconds started at once pays for it (measured: a 2–4 ms quick
// fix took 2–29 ms). Blocking the main thread lets the sweeper threads finish first, as
// bench/spec-prism.ts does with a pause; the parse-sized sections do not need it.
const SETTLE_MS = 300;
function timedSettled<T>(f: () => T): { ms: number; value: T } {
  gc();
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, SETTLE_MS);
  return time(f);
}

function observations(): Transaction[] {
  const base = { startedAt: 1_700_000_000_000, durationMs: 5, origin: 'replay' as const, service: 'api.github.com', client: { address: '127.0.0.1', port: 1 }, server: { address: '127.0.0.1', port: 443 }, tls: true, httpVersion: '1.1' as const, redactions: [] };
  const body = (v: unknown) => { const text = JSON.stringify(v); return { size: text.length, truncated: false, contentType: 'application/json', encoding: 'text' as const, text }; };
  const mk = (id: string, method: string, path: string, status: number, res: unknown): Transaction => ({
    ...base, id,
    request: { method, target: path, path, query: '', queryParams: [], headers: [{ name: 'Authorization', value: 'Bearer [REDACTED]' }] },
    response: { status, headers: [{ name: 'Content-Type', value: 'application/json' }], body: body(res) },
  });
  return [
    mk('a', 'GET', '/repos/octocat/hello/issues/1', 200, { id: 1, number: 1, title: 't' }),
    mk('b', 'GET', '/user', 200, { login: 'octocat', id: 1 }),
    mk('c', 'GET', '/orders/42', 200, { id: 42 }),
  ];
}

/**
 * One edit-to-diagnostics cycle: parse the edited root, normalise, diff the observations. With
 * `previous` (the session of the version before the edit), as the engine's analyzer runs it:
 * compiled schemas the edit left unchanged are kept; without, everything is compiled afresh (a
 * document's first analysis).
 */
function cycle(parser: DocumentParser, uri: string, text: string, txs: Transaction[], previous?: SpecSession) {
  const doc: ParsedDocument = parser.parse(uri, text);
  const spec = finishLoad(uri, new Map([[uri, doc]]));
  const session = createSession(spec, previous);
  const findings = session ? diffSpec(spec, txs, { router: session.router, validator: session.validator }) : [];
  return { spec, session, findings, diagnostics: spec.diagnostics.length };
}

const json = githubJson();
const yamlText = githubYaml(json);
console.log(`GitHub REST description: YAML ${(yamlText.length / 1e6).toFixed(1)} MB, ${yamlText.split('\n').length} lines; JSON ${(json.length / 1e6).toFixed(1)} MB`);
// The edit: a changed description deep inside one operation.
const edited = yamlText.replace('summary: Get a repository', 'summary: Get one repository');
const txs = observations();

// The engine's state before the edit: the unedited text analysed once by each parser.
const uri = 'file:///api.github.com.yaml';
const parsers: DocumentParser[] = [defaultParser, yamlLibraryParser];
const before = parsers.map((parser) => cycle(parser, uri, yamlText, txs).session);

// Rounds interleave the baseline and each candidate, and ratios are taken per round, so that a
// machine whose load drifts during the run (shared CI runners) skews both sides alike.
const names = ['default (fast reader)', 'yaml library', 'fast reader, first analysis'];
const runs: { parser: DocumentParser; previous: () => SpecSession | undefined }[] = [
  { parser: defaultParser, previous: () => before[0] },
  { parser: yamlLibraryParser, previous: () => before[1] },
  { parser: defaultParser, previous: () => undefined },
];
const ratios: number[][] = names.map(() => []);
const times: number[][] = names.map(() => []);
const fixRatios: number[] = [];
const parts: { parse: number; normalize: number; diff: number }[] = [];
const bases: number[] = [];

// The fast reader must read GitHub's YAML without falling back, to the same value as JSON.parse.
const fastValue = readFastYaml(edited).value;
const expected = JSON.parse(json.replace('"summary": "Get a repository"', '"summary": "Get one repository"')) as unknown;
console.log(`fast reader agrees with JSON.parse on the YAML form: ${JSON.stringify(fastValue) === JSON.stringify(expected)}`);

let sameFindings = true;
let kept = '';
for (let r = 0; r < RUNS; r++) {
  const base = timed(() => parseDocument(edited)).ms;
  bases.push(base);
  const findings: string[] = [];
  runs.forEach(({ parser, previous }, i) => {
    const c = timed(() => cycle(parser, uri, edited, txs, previous()));
    times[i]!.push(c.ms);
    ratios[i]!.push(c.ms / base);
    findings.push(JSON.stringify(c.value.findings));
    if (i === 0 && c.value.session) kept = `${c.value.session.validator.kept.compiled} of ${c.value.session.validator.compiledCount} compiled schemas`;
    if (i === 0) {
      const fix = c.value.findings.find((f) => f.code === 'undocumented-endpoint')?.fixes[0];
      if (fix) fixRatios.push(timedSettled(() => planFix(c.value.spec, fix)).ms / base);
      const p = timed(() => parser.parse(uri, edited));
      const n = timed(() => finishLoad(uri, new Map([[uri, p.value]])));
      const d = timed(() => {
        const session = createSession(n.value, previous())!;
        return diffSpec(n.value, txs, { router: session.router, validator: session.validator });
      });
      parts.push({ parse: p.ms, normalize: n.ms, diff: d.ms });
    }
  });
  sameFindings &&= findings.every((f) => f === findings[0]);
}
console.log(`baseline yaml parseDocument: median ${median(bases).toFixed(0)} ms over ${RUNS} rounds`);
names.forEach((name, i) => {
  console.log(`YAML edit → diagnostics, ${name.padEnd(28)} median ${median(times[i]!).toFixed(0).padStart(6)} ms   ratio ${median(ratios[i]!).toFixed(2)}× parseDocument (per-round: ${ratios[i]!.map((x) => x.toFixed(2)).join(', ')})`);
});
console.log(`  (an edit keeps the schemas the previous version compiled and the edit left unchanged, as the engine does; the first analysis compiles all it meets)`);
console.log(`  findings identical across the three: ${sameFindings}; the edit kept ${kept} from the version before it`);
const mid = parts[Math.floor(parts.length / 2)]!;
console.log(`  fast path breakdown (one round): parse ${mid.parse.toFixed(0)} ms, normalise ${mid.normalize.toFixed(0)} ms, diff ${mid.diff.toFixed(0)} ms`);
console.log(`quick fix (add operation) on the loaded spec: ratio ${median(fixRatios).toFixed(3)}× parseDocument`);
reportTarget('YAML edit → diagnostics on GitHub\'s description ÷ yaml parseDocument', median(ratios[0]!), { atMost: 0.2 }, '×');
reportTarget('quick fix on GitHub\'s description ÷ yaml parseDocument', median(fixRatios), { atMost: 0.01 }, '×', 3);
const jsonBase = median(Array.from({ length: RUNS }, () => time(() => JSON.parse(json)).ms));
const j = median(Array.from({ length: RUNS }, () => time(() => cycle(defaultParser, 'file:///api.github.com.json', json, txs)).ms));
console.log(`JSON edit → diagnostics (jsonc-parser): ${j.toFixed(0)} ms = ${(j / jsonBase).toFixed(1)}× JSON.parse (${jsonBase.toFixed(0)} ms)`);
