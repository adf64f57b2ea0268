// OpenAPI's own formats, which ajv-formats does not know. Numeric widths are checked; the others
// are documentation (binary, password) and accepted as any string.

import type Ajv from 'ajv/dist/core';

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
