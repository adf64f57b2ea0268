// Edit → fresh diagnostics on GitHub's REST description (YAML, ≈10 MB), against the time the
// `yaml` library's parseDocument alone takes on the same text, measured in the same run.
//   node --import tsx bench/spec-parse.ts [runs=3]
// Also: the JSON form (against JSON.parse), and computing one quick fix.
import { parseDocument } from 'yaml';
import { diffSpec } from '../core/src/diff/diff';
import { finishLoad } from '../core/src/openapi/load';
import type { DocumentParser, ParsedDocument } from '../core/src/openapi/parsed-document';
import { defaultParser, yamlLibraryParser } from '../core/src/openapi/parse';
import { readFastYaml } from '../core/src/openapi/fast-yaml/reader';
import { planFix } from '../core/src/patch/plan';
import type { Transaction } from '../core/src/protocol/transaction';
import { githubJson, githubYaml, median, time } from './spec-github';

const RUNS = Number(process.argv[2] ?? 3);

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

/** One edit-to-diagnostics cycle: parse the edited root, normalise, diff the observations. */
function cycle(parser: DocumentParser, uri: string, text: string, txs: Transaction[]) {
  const doc: ParsedDocument = parser.parse(uri, text);
  const spec = finishLoad(uri, new Map([[uri, doc]]));
  const findings = diffSpec(spec, txs);
  return { spec, findings, diagnostics: spec.diagnostics.length };
}

function report(label: string, ms: number, baseline: number, baseLabel: string) {
  console.log(`${label.padEnd(44)} ${ms.toFixed(0).padStart(6)} ms   ${(ms / baseline).toFixed(2)}× ${baseLabel}`);
}

const json = githubJson();
const yamlText = githubYaml(json);
console.log(`GitHub REST description: YAML ${(yamlText.length / 1e6).toFixed(1)} MB, ${yamlText.split('\n').length} lines; JSON ${(json.length / 1e6).toFixed(1)} MB`);
// The edit: a changed description deep inside one operation.
const edited = yamlText.replace('summary: Get a repository', 'summary: Get one repository');
const txs = observations();

const yamlBase = median(Array.from({ length: RUNS }, () => time(() => parseDocument(edited)).ms));
const jsonBase = median(Array.from({ length: RUNS }, () => time(() => JSON.parse(json)).ms));
console.log(`baseline yaml parseDocument ${yamlBase.toFixed(0)} ms; JSON.parse ${jsonBase.toFixed(0)} ms (median of ${RUNS})`);

// The fast reader must read GitHub's YAML without falling back, to the same value as JSON.parse.
const fastValue = readFastYaml(edited).value;
const expected = JSON.parse(json.replace('"summary": "Get a repository"', '"summary": "Get one repository"')) as unknown;
console.log(`fast reader agrees with JSON.parse on the YAML form: ${JSON.stringify(fastValue) === JSON.stringify(expected)}`);
const parsers: [string, DocumentParser][] = [
  ['default (fast reader)', defaultParser],
  ['yaml library', yamlLibraryParser],
];
for (const [name, parser] of parsers) {
  const r = Array.from({ length: RUNS }, () => time(() => cycle(parser, 'file:///api.github.com.yaml', edited, txs)));
  report(`YAML edit → diagnostics, ${name}`, median(r.map((x) => x.ms)), yamlBase, 'yaml parseDocument');
  const spec = r[0]!.value.spec;
  const fix = r[0]!.value.findings.find((f) => f.code === 'undocumented-endpoint')?.fixes[0];
  if (fix) {
    const f = median(Array.from({ length: RUNS }, () => time(() => planFix(spec, fix)).ms));
    report(`  quick fix (add operation) on the loaded spec`, f, yamlBase, 'yaml parseDocument');
  }
}
const j = median(Array.from({ length: RUNS }, () => time(() => cycle(defaultParser, 'file:///api.github.com.json', json, txs)).ms));
report('JSON edit → diagnostics (jsonc-parser)', j, jsonBase, 'JSON.parse');
report('', j, yamlBase, 'yaml parseDocument');
