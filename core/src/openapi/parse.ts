import type { DocumentParser, ParsedDocument } from './parsed-document';
import { guessFormat } from './parsed-document';
import { parseJson } from './parse-json';
import { parseYaml } from './parse-yaml';

/** The default parse path: `yaml` for YAML, jsonc-parser for JSON. */
export const defaultParser: DocumentParser = {
  parse(uri: string, text: string): ParsedDocument {
    return guessFormat(uri, text) === 'json' ? parseJson(uri, text) : parseYaml(uri, text);
  },
};
