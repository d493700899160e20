import { createHash, X509Certificate } from "node:crypto";
import { mkdir, open, readFile, rename } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import {
  canonicalIp,
  createSelfSignedCertificate,
  keyMatches,
  subjectAltNamesOf,
} from "./self-signed-certificate";

/** What the TLS server serves: PEM certificate (chain) and key, and the leaf's fingerprint. */
export interface TlsMaterial {
  cert: string;
  key: string;
  /** "sha256:<hex>" of the leaf certificate's DER bytes, what clients pin. */
  fingerprint: string;
}

export type TlsSource =
  | { kind: "files"; certFile: string; keyFile: string }
  | { kind: "self-signed"; dir: string; names: readonly string[] };

/** A certificate or key that cannot be used; `option` names the flag to fix. */
export class TlsMaterialError extends Error {
  readonly code = "invalid_tls";
  constructor(
    readonly option: "tls-cert" | "tls-key" | "data-dir",
    problem: string,
  ) {
    super(`--${option}: ${problem}`);
  }
}

export function certificateFingerprint(cert: X509Certificate): string {
  return `sha256:${createHash("sha256").update(cert.raw).digest("hex")}`;
}

/** Reads the certificate and key, or makes (first start) or reuses the self-signed pair. */
export async function loadTlsMaterial(source: TlsSource, logger: Logger): Promise<TlsMaterial> {
  if (source.kind === "files") {
    const cert = await readPem("tls-cert", source.certFile);
    const key = await readPem("tls-key", source.keyFile);
    return checkedMaterial(cert, key, source.certFile);
  }
  return selfSignedMaterial(source.dir, source.names, logger);
}

const CERT_FILE = "cert.pem";
const KEY_FILE = "key.pem";

async function selfSignedMaterial(
  dir: string,
  names: readonly string[],
  logger: Logger,
): Promise<TlsMaterial> {
  const certPath = join(dir, CERT_FILE);
  const keyPath = join(dir, KEY_FILE);
  const cert = await readIfPresent(certPath);
  if (cert !== undefined) {
    const key = await readIfPresent(keyPath);
    if (key === undefined) {
      throw new TlsMaterialError(
        "data-dir",
        `${certPath} has no ${KEY_FILE} beside it; remove ${dir} to make a new certificate (its fingerprint changes)`,
      );
    }
    const material = checkedMaterial(cert, key, certPath);
    warnIfLacking(new X509Certificate(cert), names, certPath, logger);
    return material;
  }
  // No certificate yet (or a first start that died before renaming it into place: a
  // certificate never served cannot have been pinned, so making a new one is harmless).
  const made = await createSelfSignedCertificate(names);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeAtomically(keyPath, made.key, 0o600);
  await writeAtomically(certPath, made.cert, 0o644);
  logger.info({ cert: certPath, names }, "made a self-signed certificate");
  return checkedMaterial(made.cert, made.key, certPath);
}

function checkedMaterial(cert: string, key: string, certPath: string): TlsMaterial {
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(cert);
  } catch {
    throw new TlsMaterialError("tls-cert", `${certPath} holds no PEM certificate`);
  }
  let matches: boolean;
  try {
    matches = keyMatches(leaf, key);
  } catch {
    throw new TlsMaterialError("tls-key", "is no unencrypted PEM private key");
  }
  if (!matches) throw new TlsMaterialError("tls-key", `is not the key of the certificate in ${certPath}`);
  return { cert, key, fingerprint: certificateFingerprint(leaf) };
}

/** A certificate kept from an earlier start is reused even if asked for more names: its pin stays valid. */
function warnIfLacking(cert: X509Certificate, names: readonly string[], certPath: string, logger: Logger) {
  const has = subjectAltNamesOf(cert);
  const lacking = names.filter((name) => !has.has(canonicalIp(name)));
  if (lacking.length > 0) {
    logger.warn(
      { cert: certPath, lacking },
      "the kept self-signed certificate does not name these hosts; remove its directory to make a new one (its fingerprint changes)",
    );
  }
  if (Date.parse(cert.validTo) < Date.now()) {
    logger.warn({ cert: certPath, validTo: cert.validTo }, "the kept self-signed certificate has expired");
  }
}

async function readPem(option: "tls-cert" | "tls-key", path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new TlsMaterialError(option, `cannot read ${path} (${code})`);
  }
}

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

async function writeAtomically(path: string, text: string, mode: number): Promise<void> {
  const tmp = `${path}.tmp`;
  const handle = await open(tmp, "w", mode);
  try {
    await handle.chmod(mode);
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
}
