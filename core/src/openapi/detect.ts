// Cheap detection of OpenAPI/Swagger documents from their first bytes, so that the extension can
// start the language server lazily and the server can skip ordinary YAML/JSON files.

const HEAD_BYTES = 4096;
// A root-level (unindented) `openapi: 3.x` / `swagger: "2.0"` key in YAML. Quotes around the key
// must pair up: `openapi": 3.0.0` is the key `openapi"`, which the loader rightly ignores. A line
// starts after `\n` only: YAML parsers (and the loader's) take a lone `\r` for part of the key,
// where a JavaScript `^` with the `m` flag would start a line.
const YAML_ROOT_KEY = /(?<![^\n])(["']?)(openapi|swagger)\1[ \t]*:[ \t]*["']?(\d+\.\d+(?:\.\d+)?)/;
// In JSON indentation says nothing about depth; a string-valued version key is telling enough.
// (Its first group is the opening quote, as in YAML_ROOT_KEY, so both give key and version alike.)
const JSON_KEY = /(")(openapi|swagger)"\s*:\s*"(\d+\.\d+(?:\.\d+)?)"/;

export interface DetectedSpec {
  kind: 'openapi' | 'swagger';
  version: string;
}

export function detectOpenApi(text: string): DetectedSpec | undefined {
  const head = text.slice(0, HEAD_BYTES);
  const match = (head.trimStart().startsWith('{') ? JSON_KEY : YAML_ROOT_KEY).exec(head);
  if (!match) return undefined;
  const [, , key, version] = match;
  return { kind: key === 'swagger' ? 'swagger' : 'openapi', version: version ?? '' };
}

/** File names worth reading to look for OpenAPI documents (the default `tapline.specGlob`). */
export const DEFAULT_SPEC_GLOB = '**/*.{yaml,yml,json}';
