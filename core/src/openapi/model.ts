// The one internal model that Swagger 2.0, OpenAPI 3.0 and 3.1 documents are normalised into.
// Every node remembers where it came from (uri + JSON pointer + range) so that findings and
// edits land in the right file at the right line, including files reached through `$ref`.

import type { ParsedDocument, SourceDiagnostic } from './parsed-document';
import type { OffsetRange, TextRange } from './source-text';

export type SpecVersion = '2.0' | '3.0' | '3.1';

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface SourceLocation {
  uri: string;
  pointer: string;
  range: TextRange;
  offsets: OffsetRange;
}

/** Where a node lives: always uri + pointer; range when the node exists in the text. */
export interface NodeRef {
  uri: string;
  pointer: string;
  location?: SourceLocation;
}

/** A schema as written (may hold `$ref`s, relative to `ref.uri`), with the dialect it was written in. */
export interface SchemaRef {
  ref: NodeRef;
  value: unknown;
  dialect: SpecVersion;
}

export type ParameterLocation = 'query' | 'header' | 'path' | 'cookie';

export interface ParameterModel {
  name: string;
  in: ParameterLocation;
  required: boolean;
  deprecated: boolean;
  schema?: SchemaRef;
  ref: NodeRef;
}

export interface MediaTypeModel {
  mediaType: string;
  schema?: SchemaRef;
  ref: NodeRef;
}

export interface RequestBodyModel {
  required: boolean;
  content: Map<string, MediaTypeModel>;
  ref: NodeRef;
}

export interface ResponseModel {
  /** "200", "4XX" or "default". */
  status: string;
  content: Map<string, MediaTypeModel>;
  headers: string[];
  ref: NodeRef;
}

/** Scheme name → scopes; one requirement is satisfied when all of its schemes are. */
export type SecurityRequirement = Record<string, string[]>;

export interface SecuritySchemeModel {
  name: string;
  type: 'apiKey' | 'http' | 'oauth2' | 'openIdConnect' | 'mutualTLS' | 'basic' | 'unknown';
  /** For apiKey. */
  in?: 'query' | 'header' | 'cookie';
  /** Header/query/cookie name for apiKey. */
  paramName?: string;
  /** For http: basic, bearer, … */
  scheme?: string;
  ref: NodeRef;
}

export interface ServerModel {
  /** The URL as written (variables substituted with defaults). */
  url: string;
  /** Host (and port) when absolute; undefined for relative server URLs or variable hosts. */
  host?: string;
  /** Path prefix(es) the operations are mounted under, without trailing slash ('' for root). */
  basePaths: string[];
  ref: NodeRef;
}

export interface OperationModel {
  /** `GET /pets/{petId}`, unique within a spec. */
  key: string;
  method: HttpMethod;
  path: string;
  operationId?: string;
  summary?: string;
  deprecated: boolean;
  servers: ServerModel[];
  parameters: ParameterModel[];
  requestBody?: RequestBodyModel;
  responses: Map<string, ResponseModel>;
  /** The effective requirements (operation-level, else root-level); [] means explicitly none. */
  security: SecurityRequirement[];
  /** Where `responses` would be (for "add response" fixes even when it is missing). */
  ref: NodeRef;
}

export interface PathItemModel {
  path: string;
  ref: NodeRef;
  operations: Map<HttpMethod, OperationModel>;
}

export interface SpecModel {
  rootUri: string;
  version: SpecVersion;
  /** The version string as written, e.g. "3.0.3". */
  versionString: string;
  servers: ServerModel[];
  paths: Map<string, PathItemModel>;
  operations: OperationModel[];
  securitySchemes: Map<string, SecuritySchemeModel>;
  /** Root-level security requirements. */
  security: SecurityRequirement[];
  /** Pointer of the `paths` object in the root document. */
  pathsRef: NodeRef;
  /** Where component schemas live (`#/components/schemas` or `#/definitions`). */
  schemasPointer: string;
}

export interface LoadedSpec {
  rootUri: string;
  documents: Map<string, ParsedDocument>;
  /** Undefined when the root could not be read as an OpenAPI/Swagger document. */
  model?: SpecModel;
  diagnostics: SourceDiagnostic[];
}
