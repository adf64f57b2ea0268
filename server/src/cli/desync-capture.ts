// `tapline diff --desync capture.ndjson`: desync events (tapline/1 `desync` messages, one JSON
// message per line, as a client of the sensor records them) become `request-desync` findings,
// one per server, rule and client address. Every line is validated like a live message; a bad
// line is reported with its number and skipped, never fatal, and other message types are ignored.
import type { DiffFinding } from '../../../core/src/diff/finding';
import { DESYNC_RULE_DESCRIPTIONS, type DesyncEvent, type DesyncRule } from '../../../core/src/protocol/desync';
import { formatProblems } from '../../../core/src/protocol/check';
import { validateSensorMessage } from '../../../core/src/protocol/validate-messages';

export interface DesyncCapture {
  events: DesyncEvent[];
  /** Messages of other types (transactions, stats…), not used here. */
  otherMessages: number;
  /** `line N: problem`, for stderr. */
  problems: string[];
}

/** Bounded: a hostile or broken file yields a few problem lines, not megabytes of them. */
const MAX_PROBLEMS = 20;

export function readDesyncCapture(text: string): DesyncCapture {
  const out: DesyncCapture = { events: [], otherMessages: 0, problems: [] };
  const seen = new Set<string>();
  const lines = text.split('\n');
  let bad = 0;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (++bad <= MAX_PROBLEMS) out.problems.push(`line ${i + 1}: not valid JSON`);
      return;
    }
    const checked = validateSensorMessage(value);
    if (!checked.ok) {
      if (++bad <= MAX_PROBLEMS) out.problems.push(`line ${i + 1}: ${formatProblems(checked.problems).slice(0, 300)}`);
      return;
    }
    if (checked.value.type !== 'desync') {
      out.otherMessages++;
      return;
    }
    // The sensor replays recent events to each new client: a capture may hold one twice.
    for (const e of checked.value.items) {
      if (seen.has(e.id)) continue;
      seen.add(e.id);
      out.events.push(e);
    }
  });
  if (bad > MAX_PROBLEMS) out.problems.push(`… and ${bad - MAX_PROBLEMS} more invalid lines`);
  return out;
}

const START_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) +(\S+)/;

/** One finding per (server, rule, client address); the first event's bytes are quoted. */
export function desyncFindings(events: readonly DesyncEvent[]): DiffFinding[] {
  const groups = new Map<string, DesyncEvent[]>();
  for (const e of events) {
    const key = `${e.server.address}:${e.server.port}|${e.rule}|${e.client.address}`;
    const list = groups.get(key) ?? [];
    list.push(e);
    groups.set(key, list);
  }
  const findings: DiffFinding[] = [];
  for (const [key, list] of groups) {
    const first = list[0];
    if (!first) continue;
    const start = START_LINE.exec(first.firstBytes.split('\\r\\n')[0] ?? '');
    const rule = DESYNC_RULE_DESCRIPTIONS[first.rule as DesyncRule] ?? first.rule;
    const ports = [...new Set(list.map((e) => e.client.port))].slice(0, 5).join(', ');
    const times = list.length === 1 ? 'once' : `${list.length} times`;
    findings.push({
      id: `request-desync:${key}`,
      code: 'request-desync',
      severity: 'error',
      message: `${first.client.address} (port ${ports}) sent ${first.server.address}:${first.server.port} a ${first.side} that strict HTTP/1.x servers frame differently or reject, ${times} — rule ${first.rule} (${rule}): ${first.reason}. No transactions were derived from ${list.length === 1 ? 'that connection' : 'those connections'} after it. First bytes: ${first.firstBytes.slice(0, 200)}${first.firstBytes.length > 200 || first.firstBytesTruncated ? '…' : ''}`,
      method: start?.[1]?.toUpperCase() ?? '',
      path: start?.[2] ?? '',
      service: `${first.server.address}:${first.server.port}`,
      count: list.length,
      sampleIds: list.slice(0, 5).map((e) => e.id),
      fixes: [],
    });
  }
  return findings;
}

/**
 * The hook `tapline diff` calls for `--desync FILE`: reads the capture, reports bad lines on
 * stderr, appends the findings (honouring `--severity request-desync=…`). Returns false when the
 * file cannot be read.
 */
export function addDesyncFindings(file: string, read: (path: string) => string | undefined, stderr: (text: string) => void, severity: DiffFinding['severity'] | 'off' | undefined, findings: DiffFinding[]): boolean {
  const text = read(file);
  if (text === undefined) {
    stderr(`tapline: cannot read the capture ${file}\n`);
    return false;
  }
  const capture = readDesyncCapture(text);
  for (const p of capture.problems) stderr(`tapline: ${file}: skipped ${p}\n`);
  if (severity === 'off') return true;
  for (const f of desyncFindings(capture.events)) findings.push(severity ? { ...f, severity } : f);
  return true;
}
