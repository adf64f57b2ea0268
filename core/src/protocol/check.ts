// A tiny hand-written checking kit for untrusted JSON: each check records a problem with the
// JSON path where it happened instead of throwing, so one bad frame yields one clear list.

export interface Problem {
  /** JSON path of the offending value, e.g. `$.items[3].request.method`. */
  path: string;
  message: string;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

/** Enough problems to fix a message; more only bloat logs when the input is hostile. */
const MAX_PROBLEMS = 50;

import { isRecord, type JsonRecord } from '../json-record';

export { isRecord, type JsonRecord };

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

export class Checker {
  readonly problems: Problem[] = [];

  get ok(): boolean {
    return this.problems.length === 0;
  }

  fail(path: string, message: string): void {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push({ path, message });
  }

  record(value: unknown, path: string): JsonRecord | undefined {
    if (isRecord(value)) return value;
    this.fail(path, `expected an object, got ${describe(value)}`);
    return undefined;
  }

  array(value: unknown, path: string, maxItems: number): unknown[] | undefined {
    if (!Array.isArray(value)) {
      this.fail(path, `expected an array, got ${describe(value)}`);
      return undefined;
    }
    if (value.length > maxItems) {
      this.fail(path, `too many items (${value.length} > ${maxItems})`);
      return undefined;
    }
    return value;
  }

  string(obj: JsonRecord, key: string, path: string, opts: { optional?: boolean; max?: number; min?: number } = {}): string | undefined {
    const value = obj[key];
    const where = `${path}.${key}`;
    if (value === undefined) {
      if (!opts.optional) this.fail(where, 'is required');
      return undefined;
    }
    if (typeof value !== 'string') {
      this.fail(where, `expected a string, got ${describe(value)}`);
      return undefined;
    }
    if (opts.max !== undefined && value.length > opts.max) this.fail(where, `too long (${value.length} > ${opts.max} characters)`);
    if (opts.min !== undefined && value.length < opts.min) this.fail(where, `too short (at least ${opts.min} characters)`);
    return value;
  }

  number(obj: JsonRecord, key: string, path: string, opts: { optional?: boolean; integer?: boolean; min?: number; max?: number } = {}): number | undefined {
    const value = obj[key];
    const where = `${path}.${key}`;
    if (value === undefined) {
      if (!opts.optional) this.fail(where, 'is required');
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.fail(where, `expected a finite number, got ${describe(value)}`);
      return undefined;
    }
    if (opts.integer && !Number.isInteger(value)) this.fail(where, 'expected an integer');
    if (opts.min !== undefined && value < opts.min) this.fail(where, `must be ≥ ${opts.min}`);
    if (opts.max !== undefined && value > opts.max) this.fail(where, `must be ≤ ${opts.max}`);
    return value;
  }

  boolean(obj: JsonRecord, key: string, path: string, opts: { optional?: boolean } = {}): boolean | undefined {
    const value = obj[key];
    const where = `${path}.${key}`;
    if (value === undefined) {
      if (!opts.optional) this.fail(where, 'is required');
      return undefined;
    }
    if (typeof value !== 'boolean') {
      this.fail(where, `expected a boolean, got ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  oneOf<T extends string>(obj: JsonRecord, key: string, path: string, allowed: readonly T[], opts: { optional?: boolean } = {}): T | undefined {
    const value = this.string(obj, key, path, { optional: opts.optional, max: 64 });
    if (value === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(value)) {
      this.fail(`${path}.${key}`, `expected one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
      return undefined;
    }
    return value as T;
  }

  stringList(obj: JsonRecord, key: string, path: string, opts: { optional?: boolean; maxItems?: number; max?: number } = {}): string[] | undefined {
    const value = obj[key];
    const where = `${path}.${key}`;
    if (value === undefined) {
      if (!opts.optional) this.fail(where, 'is required');
      return undefined;
    }
    const list = this.array(value, where, opts.maxItems ?? 1000);
    if (!list) return undefined;
    list.forEach((item, i) => {
      if (typeof item !== 'string') this.fail(`${where}[${i}]`, `expected a string, got ${describe(item)}`);
      else if (opts.max !== undefined && item.length > opts.max) this.fail(`${where}[${i}]`, `too long (${item.length} > ${opts.max} characters)`);
    });
    return list as string[];
  }

  /** Finish: the typed value when nothing was wrong. The caller has checked every field of T. */
  result<T>(value: unknown): Validation<T> {
    return this.ok ? { ok: true, value: value as T } : { ok: false, problems: this.problems };
  }
}

export function formatProblems(problems: readonly Problem[]): string {
  return problems.map((p) => `${p.path}: ${p.message}`).join('; ');
}
