// Path templating CPU, A/B in one process: this tree's PathTemplater against another version of
// core/src/inventory (an older commit, extracted next to this one), interleaved in rounds, on the
// store bench's synthetic traffic (20 services, 2 % never-repeating paths) and on the few-values
// corpus (test/fixtures/templating/few-values-corpus.ts). Prints the median CPU ratio new/old.
//   git archive <commit> core/src/inventory | tar -x -C /tmp/old
//   node --import tsx bench/templating-ab.ts /tmp/old/core/src/inventory
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PathTemplater } from '../core/src/inventory/template';
import { syntheticTraffic } from '../test/fixtures/templating/synthetic-traffic';
import { fewValueCorpus } from '../test/fixtures/templating/few-values-corpus';
import { reportTarget } from './target';

interface Templater {
  learnResolve(path: string): unknown;
}
type Make = () => Templater;

const ROUNDS = 7;

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function run(make: Make, items: readonly { service: string; path: string }[]): number {
  const perService = new Map<string, Templater>();
  const start = cpuMs();
  for (const { service, path } of items) {
    let t = perService.get(service);
    if (t === undefined) perService.set(service, (t = make()));
    t.learnResolve(path);
  }
  return cpuMs() - start;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[values.length >> 1]!;
}

function compare(name: string, items: readonly { service: string; path: string }[], now: Make, old: Make): void {
  const a: number[] = [];
  const b: number[] = [];
  // Alternating order, so neither side always runs on a warmer heap.
  for (let k = 0; k < ROUNDS; k++) {
    if (k % 2 === 0) {
      b.push(run(old, items));
      a.push(run(now, items));
    } else {
      a.push(run(now, items));
      b.push(run(old, items));
    }
  }
  console.log(`${name}: ${items.length} paths, median CPU old ${median(b).toFixed(0)} ms, new ${median(a).toFixed(0)} ms`);
  reportTarget(`templating CPU new ÷ old, ${name}`, median(a) / median(b), { atMost: 1.1 }, '×');
}

async function main(): Promise<void> {
  const oldDir = process.argv[2];
  if (oldDir === undefined) throw new Error('usage: bench/templating-ab.ts <old core/src/inventory directory>');
  const oldModule = (await import(pathToFileURL(resolve(oldDir, 'template.ts')).href)) as { PathTemplater: new () => Templater };
  const now: Make = () => new PathTemplater();
  const old: Make = () => new oldModule.PathTemplater();

  const next = syntheticTraffic({ seed: 2026, services: 20, junkPathShare: 0.02, catalogShare: 0.5, bodyBytes: 0 });
  const synthetic: { service: string; path: string }[] = [];
  for (let i = 0; i < 200_000; i++) {
    const t = next();
    // Junk paths never repeat, as in bench/store.ts once its pool wraps.
    synthetic.push({ service: t.service, path: t.request.path.startsWith('/junk/') ? `${t.request.path}${i}` : t.request.path });
  }
  compare('store bench traffic', synthetic, now, old);
  compare('few-values corpus', fewValueCorpus().corpus, now, old);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
