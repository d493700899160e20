import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Code, ConnectError } from "@connectrpc/connect";
import { AgentCredentials } from "./agent-credentials";
import { FileStore } from "./file-store";

function refusal(call: () => unknown): [string, string] | undefined {
  try {
    call();
    return undefined;
  } catch (error) {
    const e = ConnectError.from(error);
    return [Code[e.code], e.rawMessage];
  }
}

describe("AgentCredentials", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "ferry-credentials-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("issues one credential per cluster, which alone names the cluster, and keeps only its hash", async () => {
    const store = await FileStore.open(dir);
    const credentials = await AgentCredentials.load(store);
    const a = await credentials.issue("cluster-a", "tok1", "0.1.0");
    const b = await credentials.issue("cluster-b", "tok1", "0.1.0");
    expect(credentials.authenticate(a).clusterId).toBe("cluster-a");
    expect(credentials.authenticate(b).clusterId).toBe("cluster-b");
    const stored = JSON.stringify(await store.list(""));
    expect(stored).not.toContain(a.split(".")[1]);
    expect(stored).not.toContain(b.split(".")[1]);

    const reloaded = await AgentCredentials.load(store);
    expect(reloaded.authenticate(a).clusterId).toBe("cluster-a");
  });

  it("refuses a second enrollment of a cluster, and concurrent ones too", async () => {
    const credentials = await AgentCredentials.load(await FileStore.open(dir));
    const results = await Promise.allSettled([
      credentials.issue("dup", "t", "v"),
      credentials.issue("dup", "t", "v"),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const error = ConnectError.from(
      (results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason,
    );
    expect([Code[error.code], error.rawMessage]).toEqual([
      "AlreadyExists",
      'cluster_id: cluster "dup" already has an enrolled agent; run `ferry clusters rm dup` first to enroll it again',
    ]);
  });

  it("answers Unauthenticated for no, a malformed, a wrong or a revoked credential", async () => {
    const credentials = await AgentCredentials.load(await FileStore.open(dir));
    const good = await credentials.issue("c", "t", "v");
    const [id] = good.split(".");
    expect(refusal(() => credentials.authenticate(undefined))?.[0]).toBe("Unauthenticated");
    expect(refusal(() => credentials.authenticate("garbage"))?.[0]).toBe("Unauthenticated");
    expect(refusal(() => credentials.authenticate(`${id}.${"x".repeat(43)}`))?.[1]).toMatch(
      /^authorization: agent credential not valid/,
    );
    const identity = credentials.authenticate(good);
    expect(credentials.isValid(identity)).toBe(true);
    expect(await credentials.revoke("c")).toBe(true);
    expect(credentials.isValid(identity)).toBe(false);
    expect(refusal(() => credentials.authenticate(good))?.[0]).toBe("Unauthenticated");
    expect(await credentials.revoke("c")).toBe(false);
  });
});
