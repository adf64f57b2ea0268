// Desync events (core/src/protocol/desync.ts) as the engine hands them to the views: per
// service, how many attempts, which rules and clients, and the latest attempt. Every string
// comes from traffic or a sensor: render as text.

export interface DesyncAttempt {
  at: number;
  rule: string;
  reason: string;
  /** `address:port` of the client that sent it. */
  client: string;
  /** Escaped, redacted first bytes (printable ASCII). */
  firstBytes: string;
}

export interface ServiceDesyncs {
  service: string;
  /** Attempts seen since the engine started (or traffic was cleared). */
  count: number;
  /** Distinct rules that fired, most frequent first (at most 12). */
  rules: string[];
  /** Distinct client addresses, most recent first (at most 5). */
  clients: string[];
  latest: DesyncAttempt;
}
