// What live capture needs from this machine, checked before anything is loaded so that a user
// gets one clear line (which capability, which kernel feature) instead of a libbpf error.
import { existsSync, readFileSync } from 'node:fs';
import { release } from 'node:os';

export class PreflightError extends Error {}

const CAP_SYS_ADMIN = 21;
const CAP_PERFMON = 38;
const CAP_BPF = 39;
const CAP_SYS_PTRACE = 19;
const CAP_DAC_READ_SEARCH = 2;

/** The minimum: BPF ring buffers (5.8), CAP_BPF/CAP_PERFMON (5.8). */
export const MIN_KERNEL: readonly [number, number] = [5, 8];

export function parseKernelRelease(rel: string): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)/.exec(rel);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

export function effectiveCapabilities(statusText: string): bigint | undefined {
  const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(statusText);
  return m?.[1] ? BigInt(`0x${m[1]}`) : undefined;
}

function has(caps: bigint, cap: number): boolean {
  return (caps & (1n << BigInt(cap))) !== 0n;
}

/** Throws PreflightError naming what is missing; returns warnings for what only limits capture. */
export function preflight(env: { platform?: string; kernel?: string; status?: string; btfPath?: string } = {}): string[] {
  const platform = env.platform ?? process.platform;
  if (platform !== 'linux') throw new PreflightError(`live capture needs Linux (this is ${platform}); use --replay FILE.har elsewhere`);
  const kernel = env.kernel ?? release();
  const v = parseKernelRelease(kernel);
  if (v && (v[0] < MIN_KERNEL[0] || (v[0] === MIN_KERNEL[0] && v[1] < MIN_KERNEL[1]))) {
    throw new PreflightError(`kernel ${kernel} is too old: live capture needs ${MIN_KERNEL.join('.')} or newer (BPF ring buffers, CAP_BPF)`);
  }
  const btf = env.btfPath ?? '/sys/kernel/btf/vmlinux';
  if (!existsSync(btf)) throw new PreflightError(`no BTF at ${btf}: the kernel was built without CONFIG_DEBUG_INFO_BTF, which CO-RE programs need`);
  let status = env.status;
  if (status === undefined) {
    try {
      status = readFileSync('/proc/self/status', 'utf8');
    } catch {
      status = '';
    }
  }
  const caps = effectiveCapabilities(status);
  if (caps === undefined) return ['could not read this process capabilities; continuing'];
  const missing: string[] = [];
  if (!has(caps, CAP_SYS_ADMIN)) {
    if (!has(caps, CAP_BPF)) missing.push('CAP_BPF');
    if (!has(caps, CAP_PERFMON)) missing.push('CAP_PERFMON');
  }
  if (missing.length > 0) {
    throw new PreflightError(`missing capabilities ${missing.join(', ')} (run as root, or grant CAP_BPF, CAP_PERFMON, CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH; see docs/sensor.md)`);
  }
  const warnings: string[] = [];
  if (!has(caps, CAP_SYS_PTRACE) && !has(caps, CAP_SYS_ADMIN)) warnings.push('without CAP_SYS_PTRACE, OpenSSL users in other processes cannot be found: TLS plaintext may be missed');
  if (!has(caps, CAP_DAC_READ_SEARCH) && !has(caps, CAP_SYS_ADMIN)) warnings.push('without CAP_DAC_READ_SEARCH, some /proc entries (container ids, libraries) may be unreadable');
  return warnings;
}
