// What each TLS library the loader recognises means for the user (docs/capture.md's table).
import type { TlsLibrary, VisibilityState } from '../../../core/src/protocol/visibility';
import { TLS_LIB } from '../capture/layout';

export interface LibraryInfo {
  library: TlsLibrary;
  /** The state when the process's TLS is what we see (before any plaintext was seen). */
  state: VisibilityState;
  /** Why, in a sentence; `{go}` is replaced by the Go version. */
  reason: string;
}

const BY_CODE = new Map<number, LibraryInfo>([
  [TLS_LIB.TL_LIB_OPENSSL_DYNAMIC, { library: 'openssl-dynamic', state: 'openssl', reason: 'TLS through the libssl it maps: read by uprobes on SSL_read/SSL_write' }],
  [TLS_LIB.TL_LIB_OPENSSL_STATIC, { library: 'openssl-static', state: 'openssl', reason: 'OpenSSL linked into the executable: read by uprobes on its SSL_read/SSL_write' }],
  [TLS_LIB.TL_LIB_GO_TLS, { library: 'go-crypto-tls', state: 'go-tls', reason: 'Go {go} crypto/tls: read by uprobes on crypto/tls.(*Conn).Read and Write' }],
  [TLS_LIB.TL_LIB_GO_STRIPPED, { library: 'go-stripped', state: 'unreadable', reason: 'Go {go} executable without a symbol table (built with -ldflags=-s): its crypto/tls cannot be found; build it without -s to see its HTTPS' }],
  [TLS_LIB.TL_LIB_GO_OLD, { library: 'go-old', state: 'unreadable', reason: 'Go {go} is older than 1.17 and passes arguments on the stack; the sensor reads Go\'s register ABI (1.17 and later) only' }],
  [TLS_LIB.TL_LIB_GO_PLAIN, { library: 'go-without-tls', state: 'plaintext', reason: 'Go {go} without crypto/tls: it can only speak in the clear' }],
  [TLS_LIB.TL_LIB_GO_UNSUPPORTED, { library: 'go-unsupported', state: 'unreadable', reason: 'Go {go} crypto/tls found, but its probes could not be placed (not x86-64, or its code did not decode)' }],
  [TLS_LIB.TL_LIB_JAVA, { library: 'java-jsse', state: 'unreadable', reason: 'Java: JSSE does TLS in Java code, with no native functions for uprobes' }],
  [TLS_LIB.TL_LIB_GNUTLS, { library: 'gnutls', state: 'unreadable', reason: 'GnuTLS: not hooked by this sensor' }],
  [TLS_LIB.TL_LIB_NSS, { library: 'nss', state: 'unreadable', reason: 'NSS: not hooked by this sensor' }],
  [TLS_LIB.TL_LIB_RUSTLS, { library: 'rustls', state: 'unreadable', reason: 'rustls is compiled into the executable with no stable symbols for uprobes' }],
  [TLS_LIB.TL_LIB_BORINGSSL, { library: 'boringssl', state: 'unreadable', reason: 'BoringSSL compiled into the executable without SSL_read/SSL_write symbols' }],
]);

export function libraryInfo(code: number): LibraryInfo | undefined {
  return BY_CODE.get(code);
}
