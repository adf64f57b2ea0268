// Inference guesses string formats with quick patterns; the diff validates them with ajv-formats,
// which is stricter (an e-mail with an unusual domain, a URI template like `…{/number}`, a 30th of
// February). A generated document must accept the traffic it came from, so every format kept is
// checked against the same validator the diff uses, over every sampled value.

import { isRecord } from '../openapi/refs';
import { satisfiesFormat } from '../schema/formats';

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function accepts(type: unknown, kind: string): boolean {
  const types = Array.isArray(type) ? type : [type];
  return types.includes(kind) || (kind === 'integer' && types.includes('number'));
}

/** Removes (in place) each `format` that some value at that place does not satisfy. */
export function dropUnverifiedFormats(schema: unknown, values: readonly unknown[]): void {
  if (!isRecord(schema)) return;
  if (Array.isArray(schema.anyOf)) {
    for (const part of schema.anyOf) {
      if (!isRecord(part)) continue;
      dropUnverifiedFormats(part, values.filter((v) => accepts(part.type, kindOf(v))));
    }
    return;
  }
  if (typeof schema.format === 'string') {
    const format = schema.format;
    if (!values.every((v) => typeof v !== 'string' || satisfiesFormat(format, v))) delete schema.format;
  }
  if (isRecord(schema.properties)) {
    const objects = values.filter(isRecord);
    for (const [name, sub] of Object.entries(schema.properties)) {
      dropUnverifiedFormats(
        sub,
        objects.map((o) => o[name]).filter((v) => v !== undefined),
      );
    }
  }
  if (schema.items !== undefined) dropUnverifiedFormats(schema.items, values.flatMap((v) => (Array.isArray(v) ? v : [])));
}
