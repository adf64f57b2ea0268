// Regenerates docs/reliability.md: runs the redaction corpus, every fuzz target in test/fuzz (any
// file there exporting `run`, the HTTP/1.x differential test included), and the test
// files that prove the other hardening items, then writes one table of what was tried and what
// held. `npm run reliability [-- --runs N] [--seed S] [--check]`: --runs is per fuzz target
// (default 20,000; the long runs recorded in the doc used more), --check writes nothing and fails
// when something did not hold. The e2e items package the extension first when tapline.vsix is
// missing or older than its sources (scripts/reliability-vsix.ts). Long runs take too long to
// repeat on every regeneration: `--record fuzz:TARGET --runs N [--per-process M]` or `--record
// soak --seconds S --rate R` runs one, appends its result to docs/reliability-runs.json, and the
// table shows every recorded run with its date and command.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { measureRedaction } from '../test/fixtures/redaction/measure';
import { describeFuzz, runFuzz } from './reliability-fuzz';
import { ensureVsix } from './reliability-vsix';

const root = join(__dirname, '..');
const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const runs = Number(flag('--runs') ?? 20_000);
const seed = Number(flag('--seed') ?? 20261202);
const check = argv.includes('--check');

interface Row {
  item: string;
  tried: string;
  held: string;
  ok: boolean;
  rerun: string;
}

const rows: Row[] = [];
const fmt = (n: number): string => n.toLocaleString('en-US');

function redaction(): void {
  const s = measureRedaction();
  rows.push({
    item: 'Redaction recall',
    tried: `${s.secrets} synthetic secrets and personal values × 12 places = ${fmt(s.secretPlacements)} placements (test/fixtures/redaction)`,
    held: `${fmt(s.caught)}/${fmt(s.secretPlacements)} caught (${(s.recall * 100).toFixed(2)}%)${s.misses.length ? `; missed: ${s.misses.slice(0, 5).map((m) => `${m.id}@${m.place}`).join(', ')}` : ''}`,
    ok: s.recall === 1,
    rerun: 'node --import tsx --test test/unit/redaction-corpus.test.ts',
  });
  rows.push({
    item: 'Redaction precision',
    tried: `${s.benign} benign look-alikes = ${fmt(s.benignPlacements)} placements`,
    held: `${fmt(s.intact)}/${fmt(s.benignPlacements)} byte for byte intact (${(s.intactShare * 100).toFixed(2)}%)${s.damaged.length ? `; damaged: ${s.damaged.slice(0, 5).map((m) => `${m.id}@${m.place}`).join(', ')}` : ''}`,
    ok: s.intactShare === 1,
    rerun: 'node --import tsx --test test/unit/redaction-corpus.test.ts',
  });
}

function fuzzTargets(): void {
  const dir = join(root, 'test/fuzz');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts')).sort()) {
    if (!/export function run\(/.test(readFileSync(join(dir, file), 'utf8'))) continue;
    const target = file.replace(/\.ts$/, '');
    const t = runFuzz(root, target, runs, seed);
    const d = describeFuzz(t, runs);
    rows.push({
      item: `Fuzz: ${target}`,
      tried: `${fmt(t.runs)} generated inputs, seed ${seed}, ${t.seconds.toFixed(1)} s${d.counts ? ` (${d.counts})` : ''}`,
      held: d.held,
      ok: d.ok,
      rerun: `node --import tsx test/fuzz/${file} --runs ${runs} --seed ${seed}`,
    });
  }
}

/** Items proven by test files: each file is run and its pass/fail count recorded. */
const TESTED: { item: string; file: string; tried: string; needsVsix?: true }[] = [
  { item: 'Broken specs (loader)', file: 'test/unit/openapi-broken-specs.test.ts', tried: 'syntax errors, 8 wrong-type variants, circular and dangling $refs, a 10⁹-expansion YAML alias bomb with both parsers, a 100 MB document, 16 documents changing between reads, a reader that throws' },
  { item: 'Broken specs (language server)', file: 'test/integration/language-server.test.ts', tried: 'the real server process: alias bomb, 100 MB document and reference cycles opened together, then a hover on an ordinary document' },
  { item: 'Soak (short)', file: 'test/integration/sensor-soak.test.ts', tried: 'the real sensor, 20 s at 3,000 transactions/s (60,000), pinging every 3 s, one fast and one slow WebSocket client (reads 10 ms every 2 s): fast misses nothing, slow stays connected and sent = received + dropped, RSS growth under 1.5×; a client that stops reading under load is closed by the heartbeat while another keeps receiving' },
  { item: 'Sensor token and TLS', file: 'test/unit/sensor-auth.test.ts', tried: 'constant-time comparison, repeated bad tokens slowed down and logged on the stream and on /healthz?detail=1 (one count per address), wss:// with an openssl self-signed certificate trusted by its pinned fingerprint' },
  { item: 'TLS pinning in the engine', file: 'test/integration/sensor-tls-pinning.test.ts', tried: 'the real sensor over wss:// with an openssl self-signed certificate and the real language server: unpinned, mispinned, malformed and pinned (two spellings) certificateFingerprint; an impostor with another certificate' },
  { item: 'Least privilege', file: 'test/integration/sensor-privileges.test.ts', tried: 'the running daemon and loader read from /proc/PID/status (CapPrm, CapEff, CapBnd, CapInh, CapAmb, NoNewPrivs, uids, groups) against the table in docs/sensor.md; capture after the drop; a later process mapping OpenSSL from a root-only directory attached after the drop' },
  { item: 'Faults', file: 'test/integration/sensor-faults.test.ts', tried: 'a traced process exiting mid-request; the sensor SIGKILLed and restarted on its port; the loader SIGKILLed; a network-namespace veth link cut and restored; bpftool prog/link checked for the dead sensor\'s ids after each death' },
  { item: 'Hostile traffic in the UI', file: 'test/e2e/xss.test.ts', tried: 'an XSS corpus through the packaged extension in code-server with a canary in the page and the webview frames', needsVsix: true },
];

function testedItems(): void {
  for (const t of TESTED) {
    const path = join(root, t.file);
    let exists = true;
    try {
      readFileSync(path);
    } catch {
      exists = false;
    }
    if (!exists) {
      rows.push({ item: t.item, tried: t.tried, held: 'not built yet', ok: true, rerun: '—' });
      continue;
    }
    const unpackaged = t.needsVsix ? ensureVsix(root, (line) => console.log(line)) : undefined;
    if (unpackaged !== undefined) {
      rows.push({ item: t.item, tried: t.tried, held: `NOT HELD: ${unpackaged}`, ok: false, rerun: `node scripts/package.mjs && node --import tsx --test ${t.file}` });
      continue;
    }
    const started = Date.now();
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', t.file], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
    const pass = /# pass (\d+)/.exec(r.stdout)?.[1] ?? '0';
    const fail = /# fail (\d+)/.exec(r.stdout)?.[1] ?? '?';
    rows.push({
      item: t.item,
      tried: `${t.tried} (${pass} tests, ${((Date.now() - started) / 1000).toFixed(1)} s)`,
      held: r.status === 0 ? 'all held' : `NOT HELD: ${fail} failed`,
      ok: r.status === 0,
      rerun: `node --import tsx --test ${t.file}`,
    });
  }
}

interface RecordedRun {
  item: string;
  date: string;
  command: string;
  tried: string;
  held: string;
  ok: boolean;
}

const RUNS_FILE = join(root, 'docs/reliability-runs.json');

function recordedRuns(): RecordedRun[] {
  return existsSync(RUNS_FILE) ? (JSON.parse(readFileSync(RUNS_FILE, 'utf8')) as RecordedRun[]) : [];
}

/** Runs one long run and appends it to docs/reliability-runs.json (the latest per item and command wins in the table). */
function record(what: string): void {
  let run: Omit<RecordedRun, 'date'>;
  if (what === 'soak') {
    const seconds = Number(flag('--seconds') ?? 600);
    const rate = Number(flag('--rate') ?? 1000);
    const args = ['--import', 'tsx', 'test/soak/soak.ts', '--seconds', String(seconds), '--rate', String(rate)];
    const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
    const s = JSON.parse(r.stdout.trim().split('\n').pop() || '{}') as { sent?: number; elapsedSeconds?: number; fast?: { received: number; dropped: number }; slow?: { received: number; dropped: number }; rssMiB?: number[]; rssGrowth?: number; slowClosedWith?: number };
    const exact = s.sent !== undefined && s.fast && s.slow && s.fast.received === s.sent && s.fast.dropped === 0 && s.slow.received + s.slow.dropped === s.sent && s.slowClosedWith === undefined && (s.rssGrowth ?? 99) < 1.5;
    const rss = s.rssMiB ?? [];
    run = {
      item: `Soak (${seconds / 60} min)`,
      command: `node --import tsx ${args.slice(2).join(' ')}`,
      tried: `the real sensor, ${fmt(s.sent ?? seconds * rate)} transactions planned at ${fmt(rate)}/s (${s.elapsedSeconds ?? '?'} s as played), one fast and one slow WebSocket client (reads 10 ms every 10 s; pings every 15 s)`,
      held: r.status === 0 && exact ? `fast ${fmt(s.fast?.received ?? 0)} received, 0 dropped; slow ${fmt(s.slow?.received ?? 0)} received + ${fmt(s.slow?.dropped ?? 0)} dropped = sent; RSS ${rss[3] ?? '?'} → ${rss.at(-1) ?? '?'} MiB, growth ${s.rssGrowth ?? '?'}× after warm-up` : `NOT HELD: exit ${String(r.status)}; ${r.stderr.trim().split('\n')[0] ?? ''}`,
      ok: r.status === 0 && Boolean(exact),
    };
  } else if (what.startsWith('fuzz:')) {
    const target = what.slice(5);
    const perProcess = Number(flag('--per-process') ?? runs);
    const t = runFuzz(root, target, runs, seed, perProcess);
    const d = describeFuzz(t, runs);
    const split = t.processes > 1 ? ` in ${fmt(t.processes)} processes of ${fmt(perProcess)}` : '';
    run = {
      item: `Fuzz (long): ${target}`,
      command: t.processes > 1 ? `npm run reliability -- --record fuzz:${target} --runs ${runs} --seed ${seed} --per-process ${perProcess}` : `node --import tsx test/fuzz/${target}.ts --runs ${runs} --seed ${seed}`,
      tried: `${fmt(t.runs)} generated inputs${split}, seed ${seed}, ${t.seconds.toFixed(0)} s at nice 19 on the shared machine${d.counts ? ` (${d.counts})` : ''}`,
      held: d.held,
      ok: d.ok,
    };
  } else throw new Error(`--record takes soak or fuzz:TARGET, not ${what}`);
  const all = recordedRuns().filter((x) => !(x.item === run.item && x.command === run.command));
  all.push({ ...run, date: new Date().toISOString().slice(0, 10) });
  writeFileSync(RUNS_FILE, `${JSON.stringify(all, null, 2)}\n`);
  console.log(`${run.ok ? 'HELD' : 'NOT HELD'}  ${run.item}: ${run.held}`);
}

const recording = flag('--record');
if (recording) {
  record(recording);
  process.exit(process.exitCode ?? 0);
}

redaction();
fuzzTargets();
testedItems();
for (const r of recordedRuns()) rows.push({ item: r.item, tried: `${r.tried}; recorded ${r.date}`, held: r.held, ok: r.ok, rerun: r.command });

const esc = (s: string): string => s.replace(/\|/g, '\\|');
const table = ['| item | what was tried | what held | rerun |', '|---|---|---|---|', ...rows.map((r) => `| ${esc(r.item)} | ${esc(r.tried)} | ${esc(r.held)} | \`${esc(r.rerun)}\` |`)].join('\n');
for (const r of rows) console.log(`${r.ok ? 'HELD' : 'NOT HELD'}  ${r.item}: ${r.held}`);

if (!check) {
  const path = join(root, 'docs/reliability.md');
  const doc = readFileSync(path, 'utf8');
  const begin = '<!-- reliability:begin -->';
  const end = '<!-- reliability:end -->';
  const at = doc.indexOf(begin);
  const to = doc.indexOf(end);
  if (at < 0 || to < at) throw new Error(`${path} has no ${begin} … ${end} section`);
  const stamp = `Generated by \`npm run reliability -- --runs ${runs} --seed ${seed}\` on ${new Date().toISOString().slice(0, 10)}.`;
  writeFileSync(path, `${doc.slice(0, at + begin.length)}\n${stamp}\n\n${table}\n${doc.slice(to)}`);
}
if (rows.some((r) => !r.ok)) process.exitCode = 1;
