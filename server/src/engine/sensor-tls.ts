// The TLS connection to a wss:// sensor, made and judged before the WebSocket handshake writes the
// token: with a pinned fingerprint (the `certificateFingerprint` of a `tapline.sensors` entry) the
// sensor's certificate is trusted exactly when its SHA-256 matches, whoever signed it; without a
// pin the usual chain and host-name checks decide. Either way a refusal names what was presented,
// so that a user can compare it with `openssl x509 -noout -fingerprint -sha256` on the sensor's
// machine instead of guessing.
import { isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import type { ClientOptions } from 'ws';
import { checkPinnedFingerprint, normalizeFingerprint } from '../../../core/src/protocol/fingerprint';

export class SensorTlsError extends Error {}

/** How the TLS connection of one sensor is checked. */
export interface SensorTlsTrust {
  /** SHA-256 of the one certificate to accept (any spelling `normalizeFingerprint` reads). */
  certificateFingerprint?: string;
  /** Extra CA (PEM) for chain validation when nothing is pinned. */
  ca?: string | Buffer;
}

type Created = (error: Error | null, socket?: Socket) => void;

function spelled(fingerprint: string): string {
  return fingerprint.toUpperCase().match(/../g)?.join(':') ?? fingerprint;
}

/** Why this certificate is refused, or undefined when it is trusted. */
export function judgeSensorCertificate(socket: TLSSocket, trust: SensorTlsTrust): string | undefined {
  const presented = socket.getPeerCertificate().fingerprint256 as string | undefined;
  const shown = presented ? normalizeFingerprint(presented) : undefined;
  if (trust.certificateFingerprint !== undefined) {
    const check = checkPinnedFingerprint(presented, trust.certificateFingerprint);
    if (check.ok) return undefined;
    return `${check.reason}${shown ? `; presented SHA-256 ${spelled(shown)}` : ''}; certificateFingerprint pins ${trust.certificateFingerprint.trim().slice(0, 120)}`;
  }
  if (socket.authorized) return undefined;
  const why = String(socket.authorizationError ?? 'not trusted');
  return `the sensor's certificate is not trusted (${why})${shown ? `: SHA-256 ${spelled(shown)}` : ''}. If that is the fingerprint the sensor's own machine prints (openssl x509 -in cert.pem -noout -fingerprint -sha256), put it in this sensor's certificateFingerprint setting`;
}

/**
 * An `http.request` createConnection for ws: resolves with the socket only once the handshake is
 * done and the certificate is trusted, so nothing (no Authorization header) is written to a
 * sensor that is not the one the user trusts.
 */
export function trustedTlsConnection(trust: SensorTlsTrust): ClientOptions['createConnection'] {
  const connect = (options: ConnectionOptions, created: Created): undefined => {
    const host = options.host ?? 'localhost';
    const socket = tlsConnect({
      ...options,
      // The pin (or the check below) decides; Node's own verdict is read from socket.authorized.
      rejectUnauthorized: false,
      ...(trust.ca !== undefined ? { ca: trust.ca } : {}),
      servername: options.servername ?? (isIP(host) ? '' : host),
    });
    let settled = false;
    const settle = (error: Error | null): void => {
      if (settled) return;
      settled = true;
      socket.off('error', onError);
      if (error) {
        socket.destroy();
        created(error);
      } else created(null, socket);
    };
    const onError = (error: Error): void => settle(error);
    socket.once('error', onError);
    socket.once('secureConnect', () => {
      const refusal = judgeSensorCertificate(socket, trust);
      settle(refusal ? new SensorTlsError(refusal) : null);
    });
    return undefined;
  };
  // ws hands createConnection to http.request, which supports this asynchronous (options,
  // oncreate) form; ws's typings only name net.createConnection's synchronous one.
  return connect as unknown as ClientOptions['createConnection'];
}
