// The traced side of bench/sensor-overhead.ts, in its own process as the sensor daemon would
// be: EbpfSource + decoder consuming every event. Prints {"ready":…} once attached and its
// counters as JSON when it gets SIGTERM.
import { EbpfSource } from '../sensor/src/capture/ebpf-source';

const loaderPath = process.argv[2];
const source = new EbpfSource({ ...(loaderPath ? { loaderPath } : {}) });
let events = 0;
let bytes = 0;
let lost = 0;

source
  .start(
    (e) => {
      events++;
      if (e.kind === 'data') bytes += e.data.length;
      else if (e.kind === 'lost') lost += e.count;
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
    };
    process.stdout.write(`${JSON.stringify(out)}\n`, () => process.exit(0));
  });
});
