// Live capture: the eBPF source, behind the CaptureSource contract (capture/events.ts).
import type { CaptureSource } from './capture/events';

export interface LiveCaptureOptions {
  pids: number[];
  comms: string[];
  ports: number[];
  cgroups: string[];
  maxBody: number;
  excludePids: number[];
  log: (message: string) => void;
}

export async function createLiveSource(opts: LiveCaptureOptions): Promise<CaptureSource> {
  void opts;
  throw new Error('the eBPF capture source is not part of this build yet');
}
