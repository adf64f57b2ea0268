// One parsed source file: its plain value, where each node sits in the text, and what went wrong.
// The parse path sits behind `DocumentParser` so that a faster parser (incremental, or a
// single-pass YAML subset reader) can replace the `yaml`/`jsonc-parser` ones without touching
// the loader, the model or the diff.

import type { Document } from 'yaml';
import type { LineIndex, OffsetRange, TextRange } from './source-text';

export type DocumentFormat = 'yaml' | 'json';

export interface NodeSpan {
  /** The value node (for a property: its value). */
  value: OffsetRange;
  /** The key node when the pointer ends in a mapping entry. */
  key?: OffsetRange;
}

/** JSON pointer → source span, resolved on demand so that large documents pay only for what is asked. */
export interface PositionMap {
  spanOf(pointer: string): NodeSpan | undefined;
}

export type DiagnosticSeverity = 'error' | 'warning' | 'info';

export interface SourceDiagnostic {
  uri: string;
  range: TextRange;
  offsets: OffsetRange;
  severity: DiagnosticSeverity;
  message: string;
  /** e.g. `yaml:DUPLICATE_KEY`, `json:CommaExpected`, `ref:unresolved`. */
  code: string;
}

export interface ParsedDocument {
  uri: string;
  format: DocumentFormat;
  text: string;
  /** The document as plain JSON-compatible data; undefined when nothing could be read. */
  value: unknown;
  positions: PositionMap;
  lines: LineIndex;
  diagnostics: SourceDiagnostic[];
  /** The `yaml` library's document, kept so that quick fixes need no second parse. */
  yamlDocument?: Document.Parsed;
}

export interface DocumentParser {
  parse(uri: string, text: string): ParsedDocument;
}

export function guessFormat(uri: string, text: string): DocumentFormat {
  if (/\.json$/i.test(uri)) return 'json';
  if (/\.ya?ml$/i.test(uri)) return 'yaml';
  return /^\s*[{[]/.test(text) ? 'json' : 'yaml';
}
