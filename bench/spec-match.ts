// Matching and validating observed transactions against GitHub's REST description.
//   node --import tsx bench/spec-match.ts [rounds=5]
// Per transaction, warm (schemas compiled): the trie router + ajv validation + every rule, against
// a baseline measured in the same run: a router that scans every operation's path regex (what
// Prism's router does) over the same transactions. The reference figure for Prism
// (`@stoplight/prism-http`, not installed here) is 17.7 ms per transaction warm.
import { pathToFileURL } from 'node:url';
import { createSession, diffSpec } from '../core/src/diff/diff';
import { loadSpec } from '../core/src/openapi/load';
import type { HttpMethod } from '../core/src/openapi/model';
import type { Transaction } from '../core/src/protocol/transaction';
import { conformingTx } from '../test/unit/diff-helpers';
import { readUri } from '../test/unit/openapi-helpers';
import { GITHUB_JSON_PATH, githubJson, median, time, timeAsync } from './spec-github';

const ROUNDS = Number(process.argv[2] ?? 5);

async function main(): Promise<void> {
  const loaded = await timeAsync(() => loadSpec(pathToFileURL(GITHUB_JSON_PATH).href, readUri));
  const spec = loaded.value;
  const model = spec.model!;
  console.log(`load GitHub description (JSON, ${model.operations.length} operations): ${loaded.ms.toFixed(0)} ms`);
  const txs: Transaction[] = model.operations.map((op) => conformingTx(spec, op));
  const session = createSession(spec)!;

  // Cold: first diff compiles the schemas it meets (lazily, once per distinct schema).
  const cold = time(() => diffSpec(spec, txs, { router: session.router, validator: session.validator }));
  console.log(`first diff of ${txs.length} transactions (compiles ${session.validator.compiledCount} schemas): ${cold.ms.toFixed(0)} ms`);

  const warm = median(Array.from({ length: ROUNDS }, () => time(() => diffSpec(spec, txs, { router: session.router, validator: session.validator })).ms));
  const route = median(Array.from({ length: ROUNDS }, () => time(() => { for (const tx of txs) session.router.match({ method: tx.request.method, path: tx.request.path, service: tx.service }); }).ms));

  // Baseline: scan every operation's compiled path regex, as a linear router does.
  const scan = model.operations.map((op) => ({ method: op.method, re: new RegExp('^' + op.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+') + '/?$') }));
  const scanMs = median(Array.from({ length: ROUNDS }, () => time(() => {
    for (const tx of txs) {
      const m = tx.request.method.toLowerCase() as HttpMethod;
      for (const s of scan) if (s.method === m && s.re.test(tx.request.path)) break;
    }
  }).ms));

  // The machine's speed in this run, to scale the Prism figure (measured where JSON.parse of
  // the JSON form took ≈100 ms): a loaded or slower machine inflates both sides alike.
  const jsonParse = median(Array.from({ length: ROUNDS }, () => time(() => JSON.parse(githubJson())).ms));
  const prismHere = 17_700 * (jsonParse / 100);
  const per = (ms: number) => (ms / txs.length) * 1000;
  console.log(`route only, trie:           ${per(route).toFixed(1)} µs/transaction`);
  console.log(`route only, linear scan:    ${per(scanMs).toFixed(1)} µs/transaction   (trie is ${(scanMs / route).toFixed(0)}× faster)`);
  console.log(`match + validate + rules:   ${per(warm).toFixed(1)} µs/transaction warm`);
  console.log(`  vs the issue's Prism figure (17.7 ms): ${(17_700 / per(warm)).toFixed(0)}×; scaled to this machine (JSON.parse ${jsonParse.toFixed(0)} ms vs 100 ms there): ${(prismHere / per(warm)).toFixed(0)}×`);
}

void main();
