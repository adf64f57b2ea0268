// The JWT `sub` of a request, read the same way by nginx (the njs module below, loaded with
// nginx's own ngx_http_js_module) and by the policy report. The gateway does NOT verify the
// signature: a deny list on `sub` only needs the claim the upstream will trust after it verifies
// the token; a forged token with another `sub` gets past the gateway and is rejected upstream.

const BEARER = /^Bearer +([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]*)$/i;

export function jwtSubject(authorization: string | undefined): string {
  const m = authorization === undefined ? null : BEARER.exec(authorization.trim());
  if (!m || !m[2]) return '';
  try {
    const b64 = m[2].replace(/-/g, '+').replace(/_/g, '/');
    const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
    const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    const claims: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    if (typeof claims === 'object' && claims !== null && 'sub' in claims && typeof claims.sub === 'string') return claims.sub;
  } catch {
    return '';
  }
  return '';
}

/** The njs module: `js_import tapline_jwt from <file>; js_set $tapline_jwt_sub tapline_jwt.sub;`. */
export const NJS_JWT_MODULE = `// Tapline gateway: the JWT sub claim of a request, for nginx's js_set (ngx_http_js_module).
// The signature is not verified here: the upstream verifies it; this only reads the claim.
var BEARER = /^Bearer +([A-Za-z0-9_-]+)\\.([A-Za-z0-9_-]+)\\.([A-Za-z0-9_-]*)$/i;

function sub(r) {
  var h = r.headersIn['Authorization'];
  var m = h === undefined ? null : BEARER.exec(h.trim());
  if (!m) return '';
  try {
    var claims = JSON.parse(Buffer.from(m[2], 'base64url').toString());
    return claims !== null && typeof claims.sub === 'string' ? claims.sub : '';
  } catch (e) {
    return '';
  }
}

export default { sub };
`;
