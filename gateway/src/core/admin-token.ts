import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { Logger } from "pino";
import { hashSecret, newSecret, secretMatches } from "./secret";
import type { Store } from "./store";

const KEY = "auth/admin";

interface AdminTokenRecord {
  hash: string;
  createdMs: number;
}

/** A token file that cannot be used; the message names the flag and the file. */
export class AdminTokenFileError extends Error {
  readonly code = "invalid_admin_token_file";
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`--admin-token-file ${path}: ${problem}`);
  }
}

export interface AdminTokenSetup {
  admin: AdminToken;
  /** The token itself when this start made it or adopted it from the file; undefined otherwise. */
  token: string | undefined;
  /** Whether this start made a new token (to print once, or written to the file). */
  created: boolean;
}

/**
 * The administrator's bearer token for the management API. The store keeps only its hash.
 * It is made on the first start; with a token file it is written there (0600), and a file
 * that already exists is adopted instead, so the file is the way to set or rotate it.
 */
export class AdminToken {
  private constructor(private readonly hash: string) {}

  verify(token: string): boolean {
    return secretMatches(token, this.hash);
  }

  static async setUp(
    store: Store,
    options: { file: string | undefined; logger: Logger; nowMs?: number },
  ): Promise<AdminTokenSetup> {
    const nowMs = options.nowMs ?? Date.now();
    const stored = await store.get(KEY);
    const storedHash = stored === undefined ? undefined : (JSON.parse(stored) as AdminTokenRecord).hash;
    const save = async (token: string) => {
      const hash = hashSecret(token);
      if (hash !== storedHash) await store.put(KEY, JSON.stringify({ hash, createdMs: nowMs }));
      return new AdminToken(hash);
    };

    if (options.file) {
      const adopted = await readTokenFile(options.file, options.logger);
      if (adopted !== undefined) {
        return { admin: await save(adopted), token: adopted, created: false };
      }
      const token = newSecret();
      await writeTokenFile(options.file, token);
      options.logger.info({ file: options.file }, "admin token created and written to the token file");
      return { admin: await save(token), token, created: true };
    }
    if (storedHash !== undefined)
      return { admin: new AdminToken(storedHash), token: undefined, created: false };
    const token = newSecret();
    return { admin: await save(token), token, created: true };
  }
}

async function readTokenFile(path: string, logger: Logger): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
    const mode = (await stat(path)).mode;
    if ((mode & 0o077) !== 0) {
      logger.warn({ file: path, mode: (mode & 0o777).toString(8) }, "admin token file is readable by others");
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new AdminTokenFileError(path, (error as Error).message);
  }
  const token = text.trim();
  if (!/^[\x21-\x7e]{16,512}$/.test(token)) {
    throw new AdminTokenFileError(path, "must hold one token of 16 to 512 printable characters, no spaces");
  }
  return token;
}

async function writeTokenFile(path: string, token: string): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFile(path, `${token}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    throw new AdminTokenFileError(path, (error as Error).message);
  }
}
