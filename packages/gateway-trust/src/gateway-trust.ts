import { createHash, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import type { SecureClientSessionOptions } from "node:http2";
import { isIP } from "node:net";
import { connect, type DetailedPeerCertificate, type TLSSocket } from "node:tls";
import { Code, ConnectError } from "@connectrpc/connect";

/**
 * How an agent or the CLI trusts an https:// gateway (--gateway-ca, --gateway-ca-pin); with
 * neither, the system's CAs decide.
 */
export interface GatewayTrust {
  /** PEM file of the CA (or the self-signed certificate itself) the gateway's certificate must chain to. */
  caFile?: string;
  /** Lower-case SHA-256 hex digests: accept exactly a certificate with one of these fingerprints. */
  pins?: readonly string[];
}

/** A trust setting that cannot be used; `option` names the flag. */
export class GatewayTrustError extends Error {
  readonly code = "invalid_option";
  constructor(
    readonly option: "gateway-ca" | "gateway-ca-pin",
    problem: string,
  ) {
    super(`--${option}: ${problem}`);
  }
}

/** "sha256:AB:CD…" or "sha256:abcd…" → the lower-case hex digest; undefined if malformed. */
export function parseFingerprint(value: string): string | undefined {
  const hex = /^sha256:((?:[0-9a-f]{2}:?){31}[0-9a-f]{2})$/i.exec(value.trim())?.[1];
  return hex?.replace(/:/g, "").toLowerCase();
}

/**
 * The http2.connect options for a gateway (undefined: Node's defaults, h2c or the system CAs).
 * Reads the CA file now, so a bad one fails at start rather than at every dial.
 */
export function gatewayDialOptions(trust: GatewayTrust | undefined): SecureClientSessionOptions | undefined {
  if (trust?.pins !== undefined) return { createConnection: pinnedConnection(trust.pins) };
  if (trust?.caFile !== undefined) return { ca: readCa(trust.caFile) };
  return undefined;
}

function readCa(file: string): string {
  let pem: string;
  try {
    pem = readFileSync(file, "utf8");
  } catch (error) {
    throw new GatewayTrustError(
      "gateway-ca",
      `cannot read ${file} (${(error as NodeJS.ErrnoException).code})`,
    );
  }
  try {
    new X509Certificate(pem);
  } catch {
    throw new GatewayTrustError("gateway-ca", `${file} holds no PEM certificate`);
  }
  return pem;
}

/**
 * Dials TLS without checking the chain against any CA, and accepts the connection only if the
 * leaf or a certificate of its chain has a pinned fingerprint. A mismatch closes the socket
 * before HTTP/2 sends a single byte: no request, so no token, ever leaves.
 */
function pinnedConnection(
  pins: readonly string[],
): NonNullable<SecureClientSessionOptions["createConnection"]> {
  return (authority) => {
    const host = authority.hostname.replace(/^\[|\]$/g, "");
    const socket = connect({
      host,
      port: Number(authority.port || 443),
      servername: isIP(host) === 0 ? host : undefined,
      ALPNProtocols: ["h2"],
      // The pin decides instead. With rejectUnauthorized, Node refuses a self-signed
      // certificate before checkServerIdentity could look at it.
      rejectUnauthorized: false,
    });
    // http2 starts its session when the socket emits 'secureConnect'. For a certificate that
    // is not pinned, the event is held back and the socket destroyed instead, just as Node does
    // itself when rejectUnauthorized refuses a certificate: the session fails with the refusal
    // before it could send anything. (Destroying the socket from a 'secureConnect' listener
    // instead makes Node 20 abort, as http2 then sets its session up on a dead socket.)
    const emit = socket.emit.bind(socket);
    socket.emit = ((event: string | symbol, ...args: unknown[]): boolean => {
      if (event !== "secureConnect") return emit(event, ...args);
      socket.emit = emit;
      const presented = fingerprintsOf(socket);
      if (presented.some((fingerprint) => pins.includes(fingerprint))) return emit(event, ...args);
      socket.destroy(
        new ConnectError(
          `the gateway at ${authority.host} presented a certificate with fingerprint sha256:${presented[0] ?? "(none)"}, not the one pinned by --gateway-ca-pin`,
          Code.Unavailable,
        ),
      );
      return false;
    }) as typeof socket.emit;
    return socket;
  };
}

/** SHA-256 of the leaf and of every certificate of the chain it came with. */
function fingerprintsOf(socket: TLSSocket): string[] {
  const fingerprints: string[] = [];
  let cert: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  while (cert?.raw && !fingerprints.includes(sha256(cert.raw))) {
    fingerprints.push(sha256(cert.raw));
    cert = cert.issuerCertificate;
  }
  return fingerprints;
}

function sha256(der: Buffer): string {
  return createHash("sha256").update(der).digest("hex");
}
