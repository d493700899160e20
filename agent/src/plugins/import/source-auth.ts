import { readFile, stat } from "node:fs/promises";
import type { SourceAuth } from "@ferry/api";

/**
 * A target's credentials cannot be used (a file missing, unreadable or holding something that
 * cannot go into a header). A configuration error: retrying does not help. The message names
 * the field and the path, never the file's content.
 */
export class SourceAuthError extends Error {
  readonly code = "source_auth";
  override readonly name = "SourceAuthError";
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

/** TLS settings of an https source. */
export interface SourceTls {
  /** PEM bundle from `ca_file`; absent: the system's roots. */
  ca?: Buffer;
  rejectUnauthorized: boolean;
}

/** A header value may hold visible ASCII, spaces, tabs and obs-text; no line breaks. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * A secret kept in a file (a mounted Secret, a rotated service-account token), read again
 * whenever the file's mtime or size changes, as Prometheus does for bearer_token_file.
 * Surrounding white space is trimmed (Prometheus trims too).
 */
class FileSecret {
  private cached: { mtimeMs: number; size: number; value: string } | undefined;

  constructor(
    readonly field: string,
    readonly path: string,
  ) {}

  async read(): Promise<string> {
    let mtimeMs: number;
    let size: number;
    try {
      ({ mtimeMs, size } = await stat(this.path));
    } catch (error) {
      throw new SourceAuthError(this.field, `${this.path}: ${reasonOf(error)}`);
    }
    const cached = this.cached;
    if (cached && cached.mtimeMs === mtimeMs && cached.size === size) return cached.value;
    let value: string;
    try {
      value = (await readFile(this.path, "utf8")).trim();
    } catch (error) {
      throw new SourceAuthError(this.field, `${this.path}: ${reasonOf(error)}`);
    }
    if (value === "") throw new SourceAuthError(this.field, `${this.path}: the file is empty`);
    if (!HEADER_VALUE.test(value)) {
      throw new SourceAuthError(this.field, `${this.path}: the file holds characters a header cannot carry`);
    }
    this.cached = { mtimeMs, size, value };
    return value;
  }
}

/**
 * The request headers and TLS settings a target's SourceAuth asks for. Secrets are read from
 * their files when a request is made (so a rotated token is picked up) and are never put in
 * an error message.
 */
export class SourceCredentials {
  private readonly password: FileSecret | undefined;
  private readonly token: FileSecret | undefined;
  private readonly username: string;
  private readonly extra: Readonly<Record<string, string>>;

  constructor(private readonly auth: SourceAuth | undefined) {
    this.username = auth?.basicUsername ?? "";
    this.password = auth?.basicPasswordFile
      ? new FileSecret("auth.basic_password_file", auth.basicPasswordFile)
      : undefined;
    this.token = auth?.bearerTokenFile
      ? new FileSecret("auth.bearer_token_file", auth.bearerTokenFile)
      : undefined;
    this.extra = auth?.headers ?? {};
  }

  /** The target's extra headers plus Authorization, if any. */
  async headers(): Promise<Record<string, string>> {
    const headers: Record<string, string> = { ...this.extra };
    if (this.token) {
      headers.Authorization = `Bearer ${await this.token.read()}`;
    } else if (this.username || this.password) {
      const password = this.password ? await this.password.read() : "";
      headers.Authorization = `Basic ${Buffer.from(`${this.username}:${password}`).toString("base64")}`;
    }
    return headers;
  }

  /** TLS settings for an https endpoint; the CA file is read now (once per reader). */
  async tls(): Promise<SourceTls> {
    const rejectUnauthorized = !this.auth?.insecureSkipVerify;
    const caFile = this.auth?.caFile ?? "";
    if (!caFile) return { rejectUnauthorized };
    let ca: Buffer;
    try {
      ca = await readFile(caFile);
    } catch (error) {
      throw new SourceAuthError("auth.ca_file", `${caFile}: ${reasonOf(error)}`);
    }
    if (!ca.includes("-----BEGIN CERTIFICATE-----")) {
      throw new SourceAuthError("auth.ca_file", `${caFile}: holds no PEM certificate`);
    }
    return { ca, rejectUnauthorized };
  }
}

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "is a directory";
    default:
      return code ? `cannot be read (${code})` : "cannot be read";
  }
}
