// The traced side of bench/sensor-overhead.ts, in its own process as the sensor daemon would
// be: EbpfSource + decoder consuming every event, and what the daemon does with each event
// (sensor/src/main.ts): the visibility report's count and the pipeline (parse, pair, sample with
// its defaults, build and redact what is kept). Prints {"ready":…} once attached and its
// counters as JSON when it gets SIGTERM. Bundled by bench/sensor-overhead-ab.ts (also against
// another revision's daemon code), so it imports only what every revision has.
import { Redactor } from '../core/src/redaction/redactor';
import { EbpfSource } from '../sensor/src/capture/ebpf-source';
import { Pipeline } from '../sensor/src/pipeline/pipeline';
import { VisibilityReport } from '../sensor/src/visibility/report';

const loaderPath = process.argv[2];
const report = new VisibilityReport({ pids: [], comms: [], excludePids: [process.pid] });
const source = new EbpfSource({ ...(loaderPath ? { loaderPath } : {}), onProcess: (p) => report.onProcess(p) });
let events = 0;
let bytes = 0;
let lost = 0;
let transactions = 0;
// The daemon's defaults (sensor/src/cli/args.ts): 1000 transactions/s, 100 per endpoint.
const pipeline = new Pipeline({
  maxBody: 65536,
  redactor: new Redactor(),
  idPrefix: 'bench',
  selfPid: process.pid,
  sampling: { maxPerSecond: 1000, maxPerEndpointPerSecond: 100 },
  // As main.ts passes them without --pid/--comm/--port, and its own endpoint, checked per exchange.
  filters: { pids: [], comms: [], ports: [] },
  onTransaction: () => transactions++,
});
pipeline.ignoreOwnEndpoint(1, 'sensor-overhead-consumer');

source
  .start(
    (e) => {
      events++;
      if (e.kind === 'data') bytes += e.data.length;
      else if (e.kind === 'lost') lost += e.count;
      report.observe(e);
      pipeline.push(e);
    },
    (err) => console.error(`sensor-overhead-consumer: ${err.message}`),
  )
  .then(
    () => process.stdout.write(`${JSON.stringify({ ready: true, loaderPid: source.loaderPid })}\n`),
    (err: unknown) => {
      console.error(`sensor-overhead-consumer: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );

process.once('SIGTERM', () => {
  void source.stop().then(() => {
    const s = source.stats();
    const out = {
      events,
      bytes,
      lost,
      records: Number(s.loader?.records ?? 0n),
      mergeDropped: Number(s.loader?.mergeDropped ?? 0n),
      badFrames: s.badFrames,
      transactions,
      sampledOut: pipeline.counters.sampledOut ?? 0,
    };
    process.stdout.write(`${JSON.stringify(out)}\n`, () => process.exit(0));
  });
});
