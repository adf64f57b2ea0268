// The command that starts a live-capture sensor on this machine for this user ("Tapline: Copy
// Sensor Start Command" puts it on the clipboard). Which one depends on who runs VS Code:
// - root: the sensor as it is;
// - a user with sudo: the sensor as this user with only the capabilities it needs (setpriv's
//   ambient capabilities, which its eBPF loader child inherits), so its token file is created
//   in the user's home, readable by "Connect to Local Sensor";
// - a user without sudo: what an administrator runs once (setcap on a copy of node kept for the
//   sensor and on its loader, usable by the user's group only), then the user's own command.
export type Situation = 'root' | 'sudo' | 'setcap' | 'not-linux';

export interface MachineFacts {
  platform: string;
  uid: number;
  hasSudo: boolean;
  /** How the sensor is run here: `node '/path/dist/sensor.js'`, or `npx tapline-sensor` in a Tapline checkout. */
  sensor: string;
  /** The loader binary next to that sensor, when known (setcap needs its path). */
  loader?: string;
}

export interface StartCommand {
  situation: Situation;
  /** Shell text, one command per line; lines starting with # say why. */
  command: string;
}

/** CAP_BPF + CAP_PERFMON load and attach; CAP_SYS_PTRACE + CAP_DAC_READ_SEARCH read other processes' /proc (docs/sensor.md). */
const CAPS = ['bpf', 'perfmon', 'sys_ptrace', 'dac_read_search'];
const LISTEN = '--listen 127.0.0.1:7878 --token-file "$HOME/.tapline/sensor.token"';

export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

export function startCommand(facts: MachineFacts): StartCommand {
  if (facts.platform !== 'linux') {
    return { situation: 'not-linux', command: `# Live capture needs Linux with eBPF (this is ${facts.platform}). Replay recorded traffic instead:\n${facts.sensor} --replay traffic.har --replay-loop` };
  }
  if (facts.uid === 0) return { situation: 'root', command: `${facts.sensor} ${LISTEN}` };
  const caps = CAPS.map((c) => `+${c}`).join(',');
  if (facts.hasSudo) {
    // "$(command -v …)": the user's node and npx, resolved before sudo (whose secure_path may not hold them).
    const asUser = facts.sensor.startsWith('npx ') ? `"$(command -v node)" "$(command -v npx)" ${facts.sensor.slice(4)}` : facts.sensor.replace(/^node /, '"$(command -v node)" ');
    return { situation: 'sudo', command: `sudo setpriv --reuid="$(id -u)" --regid="$(id -g)" --init-groups --inh-caps=${caps} --ambient-caps=${caps} ${asUser} ${LISTEN}` };
  }
  const setcap = CAPS.map((c) => `cap_${c}`).join(',');
  const loader = facts.loader ? shellQuote(facts.loader) : '<tapline>/sensor/bpf/build/tapline-loader';
  const script = facts.sensor.replace(/^node /, '');
  return {
    situation: 'setcap',
    command: [
      '# No root and no sudo here: an administrator runs these once (GROUP: your group, `id -gn`).',
      '# A copy of node and the loader, usable by your group only, carry the capabilities; the node you use every day does not.',
      `sudo install -d -m 0750 -g GROUP /opt/tapline && sudo install -m 0750 -g GROUP "$(command -v node)" ${loader} /opt/tapline/`,
      `sudo setcap ${setcap}+ep /opt/tapline/node && sudo setcap ${setcap}+ep /opt/tapline/tapline-loader`,
      '# Then you run:',
      `TAPLINE_LOADER=/opt/tapline/tapline-loader /opt/tapline/node ${script.startsWith('npx ') ? '<tapline>/dist/sensor.js' : script} ${LISTEN}`,
    ].join('\n'),
  };
}
