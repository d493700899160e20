import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Code, ConnectError } from "@connectrpc/connect";
import { BootstrapTokens } from "./bootstrap-tokens";
import { FileStore } from "./file-store";

const HOUR = 3600_000;
const T0 = Date.UTC(2026, 10, 23, 12);

function refusal(check: () => unknown): [string, string] | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    const e = ConnectError.from(error);
    return [Code[e.code], e.rawMessage];
  }
}

describe("BootstrapTokens", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "ferry-tokens-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("makes <id>.<secret> tokens whose secret only the holder knows", async () => {
    const store = await FileStore.open(dir);
    const tokens = await BootstrapTokens.load(store);
    const { record, token } = await tokens.create(HOUR, "", T0);
    expect(token).toMatch(new RegExp(`^${record.id}\\.[A-Za-z0-9_-]{43}$`));
    expect(JSON.stringify(await store.list(""))).not.toContain(token.split(".")[1]);
    expect(tokens.check(token, "any-cluster", T0 + 1000).id).toBe(record.id);

    const reloaded = await BootstrapTokens.load(store);
    expect(reloaded.check(token, "any-cluster", T0 + 1000).id).toBe(record.id);
  });

  it("refuses a wrong secret, an expired, a revoked and a malformed token, and another cluster", async () => {
    const tokens = await BootstrapTokens.load(await FileStore.open(dir));
    const { record, token } = await tokens.create(HOUR, "prod-eu-1", T0);
    const wrong = `${record.id}.${"A".repeat(43)}`;
    expect(refusal(() => tokens.check(wrong, "prod-eu-1", T0))).toEqual([
      "Unauthenticated",
      `bootstrap_token: unknown or revoked token ${record.id}`,
    ]);
    expect(refusal(() => tokens.check(token, "prod-eu-1", T0 + HOUR))?.[1]).toMatch(
      /^bootstrap_token: token \w+ expired at 2026-11-23T13:00:00.000Z/,
    );
    expect(refusal(() => tokens.check(token, "prod-us-1", T0))).toEqual([
      "PermissionDenied",
      `cluster_id: token ${record.id} is for cluster "prod-eu-1", not "prod-us-1"`,
    ]);
    expect(refusal(() => tokens.check("not-a-token", "prod-eu-1", T0))?.[0]).toBe("InvalidArgument");
    expect(await tokens.revoke(record.id)).toBe(true);
    expect(refusal(() => tokens.check(token, "prod-eu-1", T0))?.[0]).toBe("Unauthenticated");
    expect(await tokens.revoke(record.id)).toBe(false);
  });

  it("counts uses, and forgets tokens a day after they expired", async () => {
    const store = await FileStore.open(dir);
    const tokens = await BootstrapTokens.load(store);
    const { record } = await tokens.create(HOUR, "", T0);
    await tokens.recordUse(record.id);
    await tokens.recordUse(record.id);
    expect((await tokens.list(T0)).map((t) => [t.id, t.uses])).toEqual([[record.id, 2]]);
    expect(await tokens.list(T0 + 2 * HOUR)).toHaveLength(1);
    expect(await tokens.list(T0 + 26 * HOUR)).toHaveLength(0);
    expect(await store.list("auth/")).toEqual([]);
  });
});
