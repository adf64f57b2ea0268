// gRPC status codes by name (grpc/doc/statuscodes.md). A call's outcome is its grpc-status, not
// its HTTP status: gRPC answers 200 to every call that reached the server, failed or not.

const NAMES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;

export type GrpcStatusName = (typeof NAMES)[number];

/** `NOT_FOUND` for 5; a code outside the specification reads `code 42` (servers may send any). */
export function grpcStatusName(code: number): string {
  return NAMES[code] ?? `code ${code}`;
}
