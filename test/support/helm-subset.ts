// Renders sensor/deploy/chart with the part of Helm's template language the chart uses, because
// `helm` is not packaged for Debian and only Debian and npm are reachable here. Anything outside
// that part throws, so the chart cannot grow a construct this renderer would get wrong: values,
// .Release/.Chart fields, if/else/end, comments, whitespace trimming and the functions below.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { isRecord } from '../../core/src/json-record';

export interface RenderInput {
  chartDir: string;
  releaseName: string;
  namespace: string;
  /** Merged over values.yaml (objects deeply, everything else replaced). */
  values?: Record<string, unknown>;
}

type Scope = Record<string, unknown>;

function merge(base: unknown, over: unknown): unknown {
  if (!isRecord(base) || !isRecord(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = merge(base[k], v);
  return out;
}

function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isRecord(v)) return Object.keys(v).length > 0;
  return true;
}

function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return stringify(v).trimEnd();
}

const indent = (n: number, s: string): string => s.split('\n').map((l) => ' '.repeat(n) + l).join('\n');

const FUNCTIONS: Record<string, (args: unknown[]) => unknown> = {
  quote: ([v]) => JSON.stringify(text(v)),
  b64enc: ([v]) => Buffer.from(text(v), 'utf8').toString('base64'),
  toYaml: ([v]) => (v === undefined ? '' : stringify(v).trimEnd()),
  indent: ([n, v]) => indent(Number(n), text(v)),
  nindent: ([n, v]) => `\n${indent(Number(n), text(v))}`,
  default: ([d, v]) => (truthy(v) ? v : d),
  required: ([message, v]) => {
    if (!truthy(v)) throw new Error(`chart: ${text(message)}`);
    return v;
  },
};

function term(token: string, scope: Scope): unknown {
  if (/^"([^"\\]|\\.)*"$/.test(token)) return JSON.parse(token) as unknown;
  if (/^\d+$/.test(token)) return Number(token);
  if (/^(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(token)) {
    let v: unknown = scope;
    for (const key of token.slice(1).split('.')) v = isRecord(v) ? v[key] : undefined;
    return v;
  }
  throw new Error(`chart: unsupported template term ${token}`);
}

function evaluate(expression: string, scope: Scope): unknown {
  let value: unknown;
  expression.split('|').forEach((stage, i) => {
    const tokens = stage.trim().match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
    const [head, ...rest] = tokens;
    if (head === undefined) throw new Error(`chart: empty pipeline stage in {{ ${expression} }}`);
    const fn = FUNCTIONS[head];
    if (!fn) {
      if (i > 0 || rest.length > 0) throw new Error(`chart: unsupported function ${head}`);
      value = term(head, scope);
      return;
    }
    const args = rest.map((t) => term(t, scope));
    value = fn(i > 0 ? [...args, value] : args);
  });
  return value;
}

/** One template file's text, rendered. */
export function renderTemplate(source: string, scope: Scope): string {
  // Apply Go's trim markers first: `{{-` eats whitespace before, `-}}` after.
  const trimmed = source.replace(/\s*\{\{-\s/g, '{{ ').replace(/\s-\}\}\s*/g, ' }}');
  const parts = trimmed.split(/(\{\{.*?\}\})/s);
  const out: string[] = [];
  const stack: Array<{ active: boolean; taken: boolean; parentActive: boolean }> = [];
  const active = (): boolean => stack.every((s) => s.active);
  for (const part of parts) {
    const m = /^\{\{\s*(.*?)\s*\}\}$/s.exec(part);
    if (!m) {
      if (active()) out.push(part);
      continue;
    }
    const action = m[1] ?? '';
    if (action.startsWith('/*')) continue;
    const ifMatch = /^if\s+(.+)$/.exec(action);
    if (ifMatch) {
      const parentActive = active();
      const cond = parentActive && truthy(evaluate(ifMatch[1] ?? '', scope));
      stack.push({ active: cond, taken: cond, parentActive });
    } else if (action === 'else') {
      const top = stack.at(-1);
      if (!top) throw new Error('chart: else without if');
      top.active = top.parentActive && !top.taken;
    } else if (action === 'end') {
      if (!stack.pop()) throw new Error('chart: end without if');
    } else if (/^(range|with|define|template|include|block)\b/.test(action)) {
      throw new Error(`chart: unsupported action {{ ${action} }}`);
    } else if (active()) {
      out.push(text(evaluate(action, scope)));
    }
  }
  if (stack.length > 0) throw new Error('chart: if without end');
  return out.join('');
}

/** Every object the chart renders, in template-file order (NOTES.txt is not a manifest). */
export function renderChart(input: RenderInput): unknown[] {
  const chart = parse(readFileSync(join(input.chartDir, 'Chart.yaml'), 'utf8')) as unknown;
  const defaults = parse(readFileSync(join(input.chartDir, 'values.yaml'), 'utf8')) as unknown;
  const values = merge(defaults, input.values ?? {});
  const c = isRecord(chart) ? chart : {};
  const scope: Scope = {
    Values: values,
    Release: { Name: input.releaseName, Namespace: input.namespace, Service: 'Helm' },
    Chart: { Name: c.name, Version: c.version, AppVersion: c.appVersion },
  };
  const dir = join(input.chartDir, 'templates');
  const objects: unknown[] = [];
  for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    const rendered = renderTemplate(readFileSync(join(dir, file), 'utf8'), scope);
    // Kubernetes reads manifests as YAML 1.1 (0400 is octal there), so the test does too.
    for (const doc of parseAllDocuments(rendered, { version: '1.1' })) {
      if (doc.errors.length > 0) throw new Error(`chart: ${file} renders invalid YAML: ${doc.errors[0]?.message ?? ''}`);
      const value: unknown = doc.toJS();
      if (value !== null && value !== undefined) objects.push(value);
    }
  }
  return objects;
}
