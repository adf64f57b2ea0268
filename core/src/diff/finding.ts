// The diff's findings: each with a stable code, a severity, a message, where it points in the
// spec, and the data a quick fix needs (`fix`). `toFinding` in ./to-message converts one into the
// shared `Finding` of core/src/messages for the wire.

import type { HttpMethod, SecurityRequirement, SourceLocation } from '../openapi/model';

export const FINDING_CODES = [
  'undocumented-endpoint',
  'undocumented-method',
  'unused-operation',
  'undocumented-status',
  'response-body-mismatch',
  'request-body-mismatch',
  'undocumented-parameter',
  'missing-required-parameter',
  'undocumented-content-type',
  'auth-not-enforced',
  'undocumented-auth',
  'credentials-in-query',
  'sensitive-data-exposed',
  'error-details-leaked',
  'request-desync',
  'deprecated-operation-called',
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

export type FindingSeverity = 'error' | 'warning' | 'info' | 'hint';
export const SEVERITY_RANK: Record<FindingSeverity, number> = { hint: 0, info: 1, warning: 2, error: 3 };

export const DEFAULT_SEVERITIES: Record<FindingCode, FindingSeverity> = {
  'undocumented-endpoint': 'warning',
  'undocumented-method': 'warning',
  'unused-operation': 'info',
  'undocumented-status': 'warning',
  'response-body-mismatch': 'error',
  'request-body-mismatch': 'error',
  'undocumented-parameter': 'warning',
  'missing-required-parameter': 'warning',
  'undocumented-content-type': 'warning',
  'auth-not-enforced': 'error',
  'undocumented-auth': 'warning',
  'credentials-in-query': 'warning',
  'sensitive-data-exposed': 'warning',
  'error-details-leaked': 'error',
  'request-desync': 'error',
  'deprecated-operation-called': 'warning',
};

/** One line per code, for SARIF rule descriptions, hovers and `docs/findings.md`. */
export const FINDING_DESCRIPTIONS: Record<FindingCode, string> = {
  'undocumented-endpoint': 'Traffic to a path that no operation describes (a shadow API).',
  'undocumented-method': 'A described path receives a method it does not describe.',
  'unused-operation': 'A described operation saw no traffic while its API did (a zombie API).',
  'undocumented-status': 'A response status that the operation does not describe (nor a range or default).',
  'response-body-mismatch': 'A response body that violates its schema.',
  'request-body-mismatch': 'A request body that violates its schema, or a required body that was missing.',
  'undocumented-parameter': 'A query parameter or custom header that the operation does not describe.',
  'missing-required-parameter': 'A required parameter that requests did not send.',
  'undocumented-content-type': 'A request or response media type that the operation does not describe.',
  'auth-not-enforced': 'The operation requires security, yet answered with success to requests without credentials.',
  'undocumented-auth': 'Requests carry credentials but the operation declares no security.',
  'credentials-in-query': 'Credentials are sent in the query string.',
  'sensitive-data-exposed': 'Responses contained PII or secrets that the description does not mark.',
  'error-details-leaked': 'Server errors return stack traces or exception text.',
  'request-desync': 'A client sent bytes that strict HTTP/1.x servers frame differently or reject (a request-smuggling shape); the sensor derived nothing more from that connection.',
  'deprecated-operation-called': 'Traffic to an operation marked deprecated, or called after its x-sunset date (zombie traffic).',
};

/** A place in a spec file, by uri + JSON pointer (the patch planner resolves it to text). */
export interface NodeAddress {
  uri: string;
  pointer: string;
}

export interface InferredParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: unknown;
}

export interface InferredResponse {
  status: string;
  mediaType?: string;
  schema?: unknown;
}

export interface InferredOperation {
  method: HttpMethod;
  /** Path template relative to the server base path. */
  path: string;
  parameters: InferredParameter[];
  requestBody?: { mediaType: string; schema?: unknown; required: boolean };
  responses: InferredResponse[];
}

/** What a quick fix needs; schemas are plain JSON Schema from inference (dialect applied by the planner). */
export type FixData =
  | { kind: 'add-operation'; paths: NodeAddress; operation: InferredOperation }
  | { kind: 'add-method'; pathItem: NodeAddress; operation: InferredOperation }
  | { kind: 'add-response'; operation: NodeAddress; response: InferredResponse }
  | { kind: 'add-media-type'; owner: NodeAddress; mediaType: string; schema?: unknown }
  | { kind: 'make-optional'; schema: NodeAddress; property: string }
  | { kind: 'widen-type'; schema: NodeAddress; addType: string }
  | { kind: 'add-enum-value'; schema: NodeAddress; value: unknown }
  | { kind: 'add-property'; schema: NodeAddress; property: string; propertySchema: unknown }
  | { kind: 'add-parameter'; operation: NodeAddress; parameter: InferredParameter }
  | { kind: 'add-security'; operation: NodeAddress; requirement: SecurityRequirement; newScheme?: { name: string; definition: Record<string, unknown> } }
  | { kind: 'mark-deprecated'; operation: NodeAddress }
  | { kind: 'remove-operation'; operation: NodeAddress }
  /** "Ignore this finding here": adds the code to `x-tapline-ignore` on the operation. */
  | { kind: 'ignore-finding'; operation: NodeAddress; code: FindingCode };

/** One caller of an operation: a client address or a user agent, and how many calls it made. */
export interface Caller {
  value: string;
  count: number;
}

/** Where an `x-tapline-ignore` turned this finding off, for SARIF's suppressions. */
export interface Suppressed {
  uri: string;
  pointer: string;
  justification?: string;
}

export interface DiffFinding {
  /** Stable across runs for the same problem: code + operation/endpoint + detail. */
  id: string;
  code: FindingCode;
  severity: FindingSeverity;
  message: string;
  /** Upper-case HTTP method. */
  method: string;
  /** The spec's path template, or the templated observed path for undocumented endpoints. */
  path: string;
  service?: string;
  /** Operation key (`GET /pets/{petId}`) when the finding belongs to a described operation. */
  operation?: string;
  location?: SourceLocation;
  /** How many transactions showed it, and a few of their ids (for related information). */
  count: number;
  sampleIds: string[];
  fixes: FixData[];
  /** deprecated-operation-called: who still calls it, most frequent first. */
  callers?: { clients: Caller[]; userAgents: Caller[] };
  /** Set when the spec's `x-tapline-ignore` covers it (only returned with includeSuppressed). */
  suppressed?: Suppressed;
}
