import { createPrivateKey, KeyObject, randomBytes, webcrypto, type X509Certificate } from "node:crypto";
import { isIP } from "node:net";

export interface CertificateAndKey {
  /** PEM */
  cert: string;
  /** PEM, PKCS#8 */
  key: string;
}

/** Long enough that nobody renews it by surprise; a pinned certificate never expires for its pinners. */
const VALIDITY_DAYS = 10 * 365;

/**
 * Makes a self-signed server certificate for `names` (DNS names and IP addresses) with a new
 * ECDSA P-256 key: small, fast to make, and accepted by OpenSSL, grpc-js and browsers alike.
 */
export async function createSelfSignedCertificate(
  names: readonly string[],
  now = new Date(),
): Promise<CertificateAndKey> {
  // @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata
  // polyfill loaded first. Both are loaded only when a certificate is actually made.
  await import("reflect-metadata");
  const x509 = await import("@peculiar/x509");
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const algorithm = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"]);
  // A positive serial number of 16 random bytes (RFC 5280 allows up to 20).
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString("hex"),
    name: "CN=ferry gateway (self-signed)",
    notBefore: new Date(now.getTime() - 60 * 60 * 1000),
    notAfter: new Date(now.getTime() + VALIDITY_DAYS * 24 * 60 * 60 * 1000),
    keys,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(
        names.map((value) => ({ type: isIP(value) === 0 ? "dns" : "ip", value })),
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const key = KeyObject.from(keys.privateKey).export({ type: "pkcs8", format: "pem" }).toString();
  return { cert: certificate.toString("pem"), key };
}

/** The DNS names and IP addresses a certificate is valid for, as written in `names`. */
export function subjectAltNamesOf(cert: X509Certificate): Set<string> {
  const names = new Set<string>();
  for (const entry of (cert.subjectAltName ?? "").split(", ")) {
    const [kind, value] = [entry.slice(0, entry.indexOf(":")), entry.slice(entry.indexOf(":") + 1)];
    if (kind === "DNS") names.add(value);
    // Node writes IPv6 addresses expanded (0:0:0:0:0:0:0:1); compare the canonical form.
    if (kind === "IP Address") names.add(canonicalIp(value));
  }
  return names;
}

export function canonicalIp(value: string): string {
  if (isIP(value) !== 6) return value;
  return new URL(`http://[${value}]/`).hostname.replace(/^\[|\]$/g, "");
}

/** True when `key` (PEM) is the private key of `cert`. */
export function keyMatches(cert: X509Certificate, key: string): boolean {
  return cert.checkPrivateKey(createPrivateKey(key));
}
