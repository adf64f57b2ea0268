// A finding as it crosses process boundaries (language server → extension → webview): what the
// comparison of traffic with a spec found, where, and which fixes exist. Deliberately small; the
// diff's richer DiffFinding (core/src/diff/finding.ts) converts into it.

import type { TextRange } from '../openapi/source-text';

/** LSP's DiagnosticSeverity names. */
export type FindingSeverity = 'error' | 'warning' | 'information' | 'hint';

export const FINDING_SEVERITIES: readonly FindingSeverity[] = ['error', 'warning', 'information', 'hint'];

/** Where in a spec file a finding points; range is zero-based lines and UTF-16 characters, as in LSP. */
export interface FindingLocation {
  uri: string;
  range: TextRange;
}

export interface FindingFix {
  /** Shown on the button and in the quick-fix menu, e.g. "Add GET /users/{id} to openapi.yaml". */
  title: string;
  /** What it does, e.g. 'add-operation', 'add-response'; the server resolves it to edits. */
  kind: string;
}

export interface Finding {
  /** Stable across runs for the same problem, so the webview can ask for one of its fixes. */
  id: string;
  /** Rule code, e.g. 'undocumented-endpoint'. */
  code: string;
  severity: FindingSeverity;
  message: string;
  /** Upper-case HTTP method. */
  method: string;
  /** The spec's path template, or the inventory's template for undocumented endpoints. */
  path: string;
  service?: string;
  location?: FindingLocation;
  fixes?: FindingFix[];
}

/** How an endpoint stands against the workspace's specs, for the tree's icon and tooltip. */
export type EndpointSpecState = 'documented' | 'undocumented' | 'mismatching' | 'unused';
