// Live capture: the eBPF source (capture/ebpf-source.ts), behind the CaptureSource contract.
import type { CaptureSource } from './capture/events';
import { EbpfSource, LoaderError } from './capture/ebpf-source';
import type { LoaderProcess } from './capture/frames';

export interface LiveCaptureOptions {
  pids: number[];
  comms: string[];
  ports: number[];
  cgroup?: string;
  maxBody: number;
  excludePids: number[];
  onProcess?: (p: LoaderProcess) => void;
  /** The user the loader becomes once attached (the daemon becomes it too: privileges.ts). */
  dropTo?: { uid: number; gid: number };
}

/** The loader's failures that mean "this machine cannot capture" rather than "a bug". */
export class CaptureUnavailableError extends Error {}

export function createLiveSource(opts: LiveCaptureOptions): CaptureSource {
  const source = new EbpfSource({
    excludePids: opts.excludePids,
    pids: opts.pids,
    comms: opts.comms,
    ports: opts.ports,
    ...(opts.cgroup !== undefined ? { cgroup: opts.cgroup } : {}),
    // The kernel copies what the parser may keep, plus room for the head of the message.
    capBytes: Math.min(1 << 20, Math.max(4096, opts.maxBody + 4096)),
    ...(opts.onProcess ? { onProcess: opts.onProcess } : {}),
    ...(opts.dropTo ? { extraArgs: ['--drop-to', `${opts.dropTo.uid}:${opts.dropTo.gid}`] } : {}),
  });
  return {
    start: async (onEvent, onError) => {
      try {
        await source.start(onEvent, onError);
      } catch (e) {
        if (e instanceof LoaderError) throw new CaptureUnavailableError(e.message);
        throw e;
      }
    },
    stop: () => source.stop(),
  };
}
