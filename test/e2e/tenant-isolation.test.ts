import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { type Client, Code, ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { AgentLink, type AgentMessage, AgentMessageSchema, ImportService, PushOutcome } from "@ferry/api";
import { instantQuery, startVictoriaMetrics, type VictoriaMetricsServer } from "@ferry/local-prometheus";
import { compressBlock, encodeWriteRequest } from "@ferry/prompb";
import { bearer, type FerryStack, startFerryStack } from "../support/ferry-stack";
import { TenantRecorder } from "../support/tenant-recorder";

// An hour back: VictoriaMetrics hides the newest 30 s from queries.
const SAMPLE_MS = Date.now() - 3600_000;

/** One raw AgentLink client, so a test can send what a real agent never would. */
class RawAgent {
  private readonly sessions: Http2SessionManager;
  private readonly release: Array<() => void> = [];
  readonly link: Client<typeof AgentLink>;

  constructor(url: string, credential?: string) {
    this.sessions = new Http2SessionManager(url);
    const interceptors: Interceptor[] = credential ? [bearer(credential)] : [];
    this.link = createClient(
      AgentLink,
      createGrpcTransport({ baseUrl: url, sessionManager: this.sessions, interceptors }),
    );
  }

  /** Opens a session saying hello as `clusterId`; resolves once welcomed, rejects if refused. */
  async connect(clusterId: string): Promise<{ sessionId: string; ended: Promise<ConnectError | undefined> }> {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.release.push(release);
    async function* outbound(): AsyncGenerator<AgentMessage> {
      yield create(AgentMessageSchema, {
        kind: { case: "hello", value: { clusterId, agentVersion: "test" } },
      });
      await held;
    }
    const stream = this.link.connect(outbound())[Symbol.asyncIterator]();
    const first = await stream.next();
    if (first.done || first.value.kind.case !== "welcome") throw new Error("no welcome");
    const sessionId = first.value.kind.value.sessionId;
    const ended = (async () => {
      try {
        for (;;) if ((await stream.next()).done) return undefined;
      } catch (error) {
        return ConnectError.from(error);
      }
    })();
    return { sessionId, ended };
  }

  push(sessionId: string, labels: [string, string][], headers: Record<string, string> = {}) {
    const payload = compressBlock(
      encodeWriteRequest([{ labels, samples: [{ timestampMs: SAMPLE_MS, value: 1 }] }]),
    );
    return this.link.push(
      { payload, samples: 1n, histograms: 0n },
      { headers: { "ferry-session": sessionId, ...headers } },
    );
  }

  close(): void {
    for (const release of this.release) release();
    this.sessions.abort();
  }
}

async function refusal(call: Promise<unknown>): Promise<[string, string] | undefined> {
  return call.then(
    () => undefined,
    (error: unknown) => {
      const e = ConnectError.from(error);
      return [Code[e.code], e.rawMessage];
    },
  );
}

// A real gateway in front of a real VictoriaMetrics, with a recorder of the tenant header of
// every remote write in between; agents are raw AgentLink clients.
describe("tenant isolation and agent authentication", () => {
  let work: string;
  let sink: VictoriaMetricsServer;
  let recorder: TenantRecorder;
  let stack: FerryStack;
  const agents: RawAgent[] = [];

  async function enroll(clusterId: string): Promise<RawAgent> {
    const secret = await stack.bootstrapToken(clusterId);
    const enroller = new RawAgent(stack.gateway.url);
    agents.push(enroller);
    const { credential } = await enroller.link.enroll({ bootstrapToken: secret, clusterId });
    const agent = new RawAgent(stack.gateway.url, credential);
    agents.push(agent);
    return agent;
  }

  const raw = (credential?: string) => {
    const agent = new RawAgent(stack.gateway.url, credential);
    agents.push(agent);
    return agent;
  };

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "ferry-tenants-"));
    sink = await startVictoriaMetrics({ dataDir: join(work, "sink") });
    recorder = new TenantRecorder(sink.remoteWriteUrl);
    await recorder.start();
    stack = await startFerryStack({ remoteWriteUrl: recorder.url });
  }, 120_000);

  afterAll(async () => {
    for (const agent of agents) agent.close();
    await stack?.close();
    await recorder?.close();
    await sink?.stop();
    await rm(work, { recursive: true, force: true });
  });

  beforeEach(() => recorder.tenants.clear());

  it("takes the tenant from the credential only: not from a header, a label or another's session", async () => {
    const a = await enroll("tenant-a");
    const b = await enroll("tenant-b");
    const sessionA = await a.connect("tenant-a");
    const sessionB = await b.connect("tenant-b");

    const pushed = await a.push(
      sessionA.sessionId,
      [
        ["__name__", "isolation_probe"],
        ["tenant", "tenant-b"],
        ["__tenant_id__", "tenant-b"],
      ],
      { "X-Scope-OrgID": "tenant-b", "x-ferry-tenant": "tenant-b" },
    );
    expect(PushOutcome[pushed.outcome]).toBe("ACCEPTED");
    expect(Object.fromEntries(recorder.tenants)).toEqual({ "tenant-a": 1 });

    // A's credential with B's session id: refused, nothing reaches the sink.
    expect(await refusal(a.push(sessionB.sessionId, [["__name__", "stolen"]]))).toEqual([
      "PermissionDenied",
      "ferry-session: the session is not of this agent's cluster",
    ]);
    // B's own pushes still land under B.
    expect(PushOutcome[(await b.push(sessionB.sessionId, [["__name__", "b_probe"]])).outcome]).toBe(
      "ACCEPTED",
    );
    expect(Object.fromEntries(recorder.tenants)).toEqual({ "tenant-a": 1, "tenant-b": 1 });

    await sink.flush();
    const landed = await instantQuery(sink.url, "isolation_probe", SAMPLE_MS);
    expect(landed.map((s) => s.labels.tenant)).toEqual(["tenant-b"]); // a label, stored as data, nothing more
  });

  it("refuses a hello for another cluster, so B's session and commands stay B's", async () => {
    const a = await enroll("tenant-c");
    const b = await enroll("tenant-d");
    const sessionB = await b.connect("tenant-d");
    expect(await refusal(a.connect("tenant-d"))).toEqual([
      "PermissionDenied",
      'hello.cluster_id: "tenant-d" is not the cluster this agent enrolled as ("tenant-c")',
    ]);
    // B's session was not replaced: it still pushes, and the gateway lists it connected.
    expect(PushOutcome[(await b.push(sessionB.sessionId, [["__name__", "d_probe"]])).outcome]).toBe(
      "ACCEPTED",
    );
    const { clusters } = await stack.client.listClusters({});
    expect(clusters.filter((c) => c.id === "tenant-d").map((c) => c.connected)).toEqual([true]);
  });

  it("does not let an agent credential into the management API (targets, clusters)", async () => {
    const secret = await stack.bootstrapToken("tenant-e");
    const { credential } = await raw().link.enroll({ bootstrapToken: secret, clusterId: "tenant-e" });
    const asAgent = createClient(
      ImportService,
      createGrpcTransport({ baseUrl: stack.gateway.url, interceptors: [bearer(credential)] }),
    );
    expect(await refusal(asAgent.listTargets({ clusterId: "tenant-a" }))).toEqual([
      "Unauthenticated",
      "authorization: not the admin token",
    ]);
  });

  it("answers Unauthenticated to no credential and to a wrong one", async () => {
    const forged = `${"0".repeat(16)}.${"A".repeat(43)}`;
    expect((await refusal(raw().connect("tenant-a")))?.[0]).toBe("Unauthenticated");
    expect((await refusal(raw(forged).connect("tenant-a")))?.[1]).toMatch(
      /^authorization: agent credential not valid/,
    );
    expect((await refusal(raw(forged).push("any", [["__name__", "x"]])))?.[0]).toBe("Unauthenticated");
    expect(recorder.tenants.size).toBe(0);
  });

  it("cuts a removed cluster's agent off at once, and refuses its credential afterwards", async () => {
    const a = await enroll("tenant-f");
    const session = await a.connect("tenant-f");
    expect(await stack.admin.removeCluster({ clusterId: "tenant-f" })).toMatchObject({ disconnected: true });
    const ended = await session.ended;
    expect(ended && [Code[ended.code], ended.rawMessage]).toEqual([
      "Unauthenticated",
      'cluster "tenant-f" was removed and its agent credential revoked (ferry clusters rm)',
    ]);
    expect((await refusal(a.connect("tenant-f")))?.[0]).toBe("Unauthenticated");
    expect((await refusal(a.push(session.sessionId, [["__name__", "x"]])))?.[0]).toBe("Unauthenticated");
    expect(recorder.tenants.size).toBe(0);
  });

  it("enrolls a cluster once; again only after `clusters rm`", async () => {
    await enroll("tenant-g");
    const secret = await stack.bootstrapToken("tenant-g");
    expect(await refusal(raw().link.enroll({ bootstrapToken: secret, clusterId: "tenant-g" }))).toEqual([
      "AlreadyExists",
      'cluster_id: cluster "tenant-g" already has an enrolled agent; run `ferry clusters rm tenant-g` first to enroll it again',
    ]);
    await stack.admin.removeCluster({ clusterId: "tenant-g" });
    expect(
      await refusal(raw().link.enroll({ bootstrapToken: secret, clusterId: "tenant-g" })),
    ).toBeUndefined();
  });

  it("refuses an expired token, a revoked one, and one bound to another cluster", async () => {
    const expiring = await stack.admin.createBootstrapToken({ ttlMs: 1n });
    // The token lived 1 ms; this wait only makes sure it is over.
    await new Promise((r) => setTimeout(r, 20));
    expect(
      (await refusal(raw().link.enroll({ bootstrapToken: expiring.secret, clusterId: "tenant-h" })))?.[1],
    ).toMatch(/^bootstrap_token: token \w+ expired at /);

    const revoked = await stack.admin.createBootstrapToken({});
    await stack.admin.revokeBootstrapToken({ id: revoked.token?.id ?? "" });
    expect(
      await refusal(raw().link.enroll({ bootstrapToken: revoked.secret, clusterId: "tenant-h" })),
    ).toEqual(["Unauthenticated", `bootstrap_token: unknown or revoked token ${revoked.token?.id}`]);

    const bound = await stack.bootstrapToken("tenant-i");
    expect((await refusal(raw().link.enroll({ bootstrapToken: bound, clusterId: "tenant-h" })))?.[0]).toBe(
      "PermissionDenied",
    );
  });

  it("lets a real agent enroll with a token, then restart with only its stored credential", async () => {
    await stack.startAgent("tenant-j");
    await stack.agents.get("tenant-j")?.close();
    stack.agents.delete("tenant-j");
    // No token this time: the credential in its data dir is enough.
    await stack.startAgent("tenant-j", { bootstrapToken: undefined });
    const { clusters } = await stack.client.listClusters({});
    expect(clusters.filter((c) => c.id === "tenant-j").map((c) => c.connected)).toEqual([true]);
  });

  it("stops a real agent whose cluster is removed, with the reason, through RunningAgent.failed", async () => {
    await stack.startAgent("tenant-k");
    const agent = stack.agents.get("tenant-k");
    await stack.admin.removeCluster({ clusterId: "tenant-k" });
    await expect(agent?.failed).rejects.toThrow('cluster "tenant-k" was removed');
  });
});
