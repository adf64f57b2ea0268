// The redaction configuration file (`--redaction-config FILE`): disable built-in rules, add
// header / parameter / body field names, add custom patterns. Validated like any other input.
import { Checker, type Validation } from '../protocol/check';
import type { RedactionKind } from '../protocol/transaction';

export interface CustomPattern {
  id: string;
  /** A JavaScript regular expression source. */
  pattern: string;
  /** Extra flags (`i`, `m`, `s`, `u`); `g` is always added. */
  flags?: string;
  kind?: RedactionKind;
}

export interface RedactionConfig {
  /** Built-in rule ids (or redaction kinds) to turn off, e.g. `["email"]`. */
  disable?: string[];
  /** More header names to redact whole (case-insensitive). */
  headers?: string[];
  /** More query / form parameter names to redact. */
  queryParams?: string[];
  /** More JSON body field names whose values are redacted. */
  bodyFields?: string[];
  patterns?: CustomPattern[];
}

const KINDS: readonly RedactionKind[] = ['authorization', 'cookie', 'set-cookie', 'api-key', 'jwt', 'email', 'card-number', 'national-id', 'credential', 'private-key', 'iban', 'phone', 'custom'];

export function validateRedactionConfig(value: unknown): Validation<RedactionConfig> {
  const c = new Checker();
  const cfg = c.record(value, '$');
  if (!cfg) return c.result(value);
  const known = new Set(['disable', 'headers', 'queryParams', 'bodyFields', 'patterns', '$schema', 'comment']);
  for (const key of Object.keys(cfg)) if (!known.has(key)) c.fail(`$.${key}`, 'unknown setting');
  c.stringList(cfg, 'disable', '$', { optional: true, max: 64 });
  c.stringList(cfg, 'headers', '$', { optional: true, max: 256 });
  c.stringList(cfg, 'queryParams', '$', { optional: true, max: 256 });
  c.stringList(cfg, 'bodyFields', '$', { optional: true, max: 256 });
  if (cfg.patterns !== undefined) {
    const list = c.array(cfg.patterns, '$.patterns', 200);
    list?.forEach((item, i) => {
      const p = `$.patterns[${i}]`;
      const rec = c.record(item, p);
      if (!rec) return;
      c.string(rec, 'id', p, { min: 1, max: 64 });
      const source = c.string(rec, 'pattern', p, { min: 1, max: 4096 });
      const flags = c.string(rec, 'flags', p, { optional: true, max: 8 });
      if (flags !== undefined && !/^[imsu]*$/.test(flags)) c.fail(`${p}.flags`, 'only i, m, s and u are allowed');
      c.oneOf(rec, 'kind', p, KINDS, { optional: true });
      if (source !== undefined) {
        try {
          new RegExp(source, `g${flags ?? ''}`);
        } catch (e) {
          c.fail(`${p}.pattern`, `not a valid regular expression (${e instanceof Error ? e.message : String(e)})`);
        }
      }
    });
  }
  return c.result<RedactionConfig>(value);
}
