// Pinned sensor certificates: the user trusts a self-signed sensor certificate by writing its
// SHA-256 fingerprint into the settings (`openssl x509 -noout -fingerprint -sha256` prints it).
// The client compares it with the certificate the sensor presented. Pure: the caller computes the
// presented fingerprint (Node's `peerCertificate.fingerprint256`).

/** `AB:CD:…`, `abcd…`, `SHA256 Fingerprint=AB:CD:…`, `sha256/AB CD …` → 64 lower-case hex digits, or undefined. */
export function normalizeFingerprint(text: string): string | undefined {
  const body = text.trim().replace(/^(?:sha-?256(?:\s+fingerprint)?\s*[=:/]?\s*)/i, '');
  const hex = body.replace(/[\s:]/g, '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : undefined;
}

export type PinCheck = { ok: true } | { ok: false; reason: string };

/** Compares every digit (no early exit), so timing says nothing about how much of a pin matched. */
export function checkPinnedFingerprint(presented: string | undefined, pinned: string): PinCheck {
  const want = normalizeFingerprint(pinned);
  if (!want) return { ok: false, reason: `the pinned fingerprint "${pinned.slice(0, 120)}" is not a SHA-256 fingerprint (64 hex digits, colons allowed)` };
  const got = presented === undefined ? undefined : normalizeFingerprint(presented);
  if (!got) return { ok: false, reason: 'the sensor presented no certificate fingerprint' };
  let diff = 0;
  for (let i = 0; i < 64; i++) diff |= got.charCodeAt(i) ^ want.charCodeAt(i);
  return diff === 0 ? { ok: true } : { ok: false, reason: `the sensor's certificate (SHA-256 ${got.slice(0, 16)}…) is not the pinned one (${want.slice(0, 16)}…)` };
}
