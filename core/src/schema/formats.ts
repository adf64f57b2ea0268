// OpenAPI's own formats, which ajv-formats does not know. Numeric widths are checked; the others
// are documentation (binary, password) and accepted as any string. And the one format check that
// inference and generation share with the diff's validator.

import type Ajv from 'ajv/dist/core';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

const INT32 = { type: 'number' as const, validate: (n: number) => Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 };
const INT64 = { type: 'number' as const, validate: (n: number) => Number.isInteger(n) };
const ANY_NUMBER = { type: 'number' as const, validate: () => true };
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function addOpenApiFormats(ajv: Ajv): void {
  ajv.addFormat('int32', INT32);
  ajv.addFormat('int64', INT64);
  ajv.addFormat('float', ANY_NUMBER);
  ajv.addFormat('double', ANY_NUMBER);
  ajv.addFormat('byte', BASE64);
  for (const f of ['binary', 'password', 'uriref', 'html', 'phone', 'decimal']) ajv.addFormat(f, true);
}

let formatAjv: Ajv2020 | undefined;
const formatChecks = new Map<string, ValidateFunction>();

/**
 * Whether `value` satisfies `format` as the diff's validator (ajv-formats plus OpenAPI's formats)
 * judges it. Inference keeps a guessed format only when this holds for every value, so that a
 * schema made from traffic never rejects that traffic.
 */
export function satisfiesFormat(format: string, value: string): boolean {
  let check = formatChecks.get(format);
  if (!check) {
    formatAjv ??= (() => {
      const a = new Ajv2020({ strict: false, validateFormats: true, logger: false, unicodeRegExp: false });
      addFormats(a);
      addOpenApiFormats(a);
      return a;
    })();
    try {
      check = formatAjv.compile({ type: 'string', format });
    } catch {
      // An unknown format cannot be verified: never keep it.
      check = formatAjv.compile({ not: {} });
    }
    formatChecks.set(format, check);
  }
  return check(value) === true;
}
