import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { AdminToken, AdminTokenFileError } from "./admin-token";
import { FileStore } from "./file-store";

describe("AdminToken", () => {
  let dir: string;
  const logger = pino({ level: "silent" });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "ferry-admin-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("is made on the first start only, and the store keeps its hash, not the token", async () => {
    const store = await FileStore.open(join(dir, "store"));
    const first = await AdminToken.setUp(store, { file: undefined, logger });
    expect(first.created).toBe(true);
    const token = first.token as string;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.admin.verify(token)).toBe(true);
    expect(first.admin.verify(`${token}x`)).toBe(false);
    const stored = (await store.list("auth/")).map((e) => e.value).join("\n");
    expect(stored).not.toContain(token);
    await store.close();

    const reopened = await FileStore.open(join(dir, "store"));
    const second = await AdminToken.setUp(reopened, { file: undefined, logger });
    expect([second.created, second.token]).toEqual([false, undefined]);
    expect(second.admin.verify(token)).toBe(true);
  });

  it("writes a new token to the file with mode 0600, and adopts it on the next start", async () => {
    const file = join(dir, "secrets", "admin-token");
    const store = await FileStore.open(join(dir, "store"));
    const first = await AdminToken.setUp(store, { file, logger });
    expect(first.created).toBe(true);
    expect((await readFile(file, "utf8")).trim()).toBe(first.token);
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    const again = await AdminToken.setUp(store, { file, logger });
    expect([again.created, again.token]).toEqual([false, first.token]);
    expect(again.admin.verify(first.token as string)).toBe(true);
  });

  it("adopts a token already in the file, replacing the stored one", async () => {
    const store = await FileStore.open(join(dir, "store"));
    const made = await AdminToken.setUp(store, { file: undefined, logger });
    const file = join(dir, "admin-token");
    await writeFile(file, "chosen-by-the-operator-0123456789\n", { mode: 0o600 });
    const adopted = await AdminToken.setUp(store, { file, logger });
    expect([adopted.created, adopted.token]).toEqual([false, "chosen-by-the-operator-0123456789"]);
    expect(adopted.admin.verify("chosen-by-the-operator-0123456789")).toBe(true);
    expect(adopted.admin.verify(made.token as string)).toBe(false);
  });

  it("refuses a file that does not hold one token, naming the flag", async () => {
    const store = await FileStore.open(join(dir, "store"));
    const file = join(dir, "admin-token");
    await writeFile(file, "two words\n", { mode: 0o600 });
    const error = await AdminToken.setUp(store, { file, logger }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdminTokenFileError);
    expect((error as Error).message).toMatch(/^--admin-token-file .*admin-token: must hold one token/);
  });
});
