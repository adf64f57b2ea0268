// What the frame decoder (frames.ts) produces and where it hands it: the loader's frames
// (events, periodic stats, the ready record, what it found in a process), the sink interface the
// daemon implements, and the collecting sink behind `FrameDecoder.push`.
import type { CaptureEvent } from './events';

/** Cumulative counters from the loader's periodic stats record. */
export interface LoaderStats {
  records: bigint;
  lost: bigint;
  lostBytes: bigint;
  truncated: bigint;
  tlsUnmapped: bigint;
  mergeDropped: bigint;
  sslTargets: number;
}

/** What the loader found in one process: its TLS library (a TLS_LIB value) and Go version. */
export interface LoaderProcess {
  pid: number;
  comm: string;
  lib: number;
  version: string;
  /** The kernel saw TLS records on one of its traced sockets. */
  ciphertext: boolean;
}

export type LoaderFrame =
  | { type: 'event'; event: CaptureEvent }
  | { type: 'stats'; stats: LoaderStats }
  | { type: 'ready'; loaderPid: number; sslTargets: number }
  | { type: 'process'; process: LoaderProcess };

/**
 * Where `FrameDecoder.feed` hands each decoded frame, one call per frame: no wrapper object and
 * no array per frame (the daemon decodes one or two events per traced request, ~100k a second).
 */
export interface FrameSink {
  event(event: CaptureEvent): void;
  stats(stats: LoaderStats): void;
  ready(loaderPid: number, sslTargets: number): void;
  process(process: LoaderProcess): void;
}

/** A sink that collects the frames, for `push`. */
export class Collect implements FrameSink {
  readonly frames: LoaderFrame[] = [];
  event(event: CaptureEvent): void {
    this.frames.push({ type: 'event', event });
  }
  stats(stats: LoaderStats): void {
    this.frames.push({ type: 'stats', stats });
  }
  ready(loaderPid: number, sslTargets: number): void {
    this.frames.push({ type: 'ready', loaderPid, sslTargets });
  }
  process(process: LoaderProcess): void {
    this.frames.push({ type: 'process', process });
  }
}
