// Loads a (possibly multi-file) OpenAPI document through a host-provided reader. core/ has no fs:
// the language server reads from open editors or disk, the CLI from disk, tests from memory.

import { normalizeSpec } from './normalize';
import { defaultParser } from './parse';
import type { DocumentParser, ParsedDocument, SourceDiagnostic } from './parsed-document';
import type { LoadedSpec } from './model';
import { externalRefs } from './refs';
import { resolveUri } from './uri';

/** Returns the file's text, or undefined when it does not exist / cannot be read. */
export type ReadFile = (uri: string) => Promise<string | undefined> | string | undefined;

export interface LoadOptions {
  parser?: DocumentParser;
  /** Already-parsed documents to reuse (e.g. unchanged files of a multi-file spec). */
  cache?: ReadonlyMap<string, ParsedDocument>;
  /** Documents longer than this (in characters) are not parsed; they get a diagnostic instead. */
  maxDocumentChars?: number;
}

/**
 * 32 Mi characters: GitHub's whole REST description is 13 MB. A 100 MB document takes the
 * parser and the model minutes and gigabytes, during which the language server answers nothing.
 */
export const MAX_DOCUMENT_CHARS = 32 * 2 ** 20;

export async function loadSpec(rootUri: string, readFile: ReadFile, options: LoadOptions = {}): Promise<LoadedSpec> {
  const parser = options.parser ?? defaultParser;
  const documents = new Map<string, ParsedDocument>();
  const diagnostics: SourceDiagnostic[] = [];
  const queue: { uri: string; from?: { uri: string; ref: string } }[] = [{ uri: rootUri }];
  while (queue.length > 0) {
    const item = queue.shift();
    if (!item || documents.has(item.uri)) continue;
    let doc = options.cache?.get(item.uri);
    if (!doc) {
      let text: string | undefined;
      try {
        text = await readFile(item.uri);
      } catch {
        text = undefined;
      }
      if (text === undefined) {
        diagnostics.push(missingFile(item, documents));
        continue;
      }
      const max = options.maxDocumentChars ?? MAX_DOCUMENT_CHARS;
      if (text.length > max) {
        diagnostics.push(tooLarge(item.uri, text.length, max));
        continue;
      }
      doc = parser.parse(item.uri, text);
    }
    documents.set(item.uri, doc);
    for (const ref of externalRefs(doc.text)) {
      const target = resolveUri(item.uri, ref);
      if (!documents.has(target)) queue.push({ uri: target, from: { uri: item.uri, ref } });
    }
  }
  return finishLoad(rootUri, documents, diagnostics);
}

/** Builds the model from documents the caller already holds (synchronous; used after edits). */
export function finishLoad(rootUri: string, documents: Map<string, ParsedDocument>, diagnostics: SourceDiagnostic[] = []): LoadedSpec {
  for (const doc of documents.values()) diagnostics.push(...doc.diagnostics);
  const root = documents.get(rootUri);
  if (!root) return { rootUri, documents, diagnostics };
  const { model, diagnostics: modelDiagnostics } = normalizeSpec(rootUri, documents);
  diagnostics.push(...modelDiagnostics);
  return { rootUri, documents, model, diagnostics };
}

function tooLarge(uri: string, chars: number, max: number): SourceDiagnostic {
  const mib = (n: number): string => `${(n / 2 ** 20).toFixed(1)} MiB`;
  return {
    uri,
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    offsets: { start: 0, end: 0 },
    severity: 'warning',
    message: `Not analysed: this document is ${mib(chars)} of text, more than the ${mib(max)} Tapline parses (split it into files joined by $ref)`,
    code: 'spec:too-large',
  };
}

function missingFile(item: { uri: string; from?: { uri: string; ref: string } }, documents: Map<string, ParsedDocument>): SourceDiagnostic {
  const from = item.from ? documents.get(item.from.uri) : undefined;
  let start = 0;
  let end = 0;
  if (from && item.from) {
    const at = from.text.indexOf(item.from.ref);
    if (at >= 0) {
      start = at;
      end = at + item.from.ref.length;
    }
  }
  const uri = item.from?.uri ?? item.uri;
  const range = from ? from.lines.rangeOf({ start, end }) : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return { uri, range, offsets: { start, end }, severity: 'error', message: `Cannot read referenced file ${item.uri}`, code: 'ref:missing-file' };
}
