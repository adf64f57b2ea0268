import type { DocumentParser, ParsedDocument } from './parsed-document';
import { guessFormat } from './parsed-document';
import { parseJson } from './parse-json';
import { parseYaml } from './parse-yaml';
import { parseYamlFast } from './parse-yaml-fast';

/**
 * The default parse path: the fast block-YAML reader (falling back to the `yaml` library for what
 * it does not handle and for every malformed document), jsonc-parser for JSON.
 */
export const defaultParser: DocumentParser = {
  parse(uri: string, text: string): ParsedDocument {
    return guessFormat(uri, text) === 'json' ? parseJson(uri, text) : parseYamlFast(uri, text);
  },
};

/** The `yaml` library for every YAML document (keeps its Document for quick fixes). */
export const yamlLibraryParser: DocumentParser = {
  parse(uri: string, text: string): ParsedDocument {
    return guessFormat(uri, text) === 'json' ? parseJson(uri, text) : parseYaml(uri, text);
  },
};
