import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { AdminService, AgentLink } from "@ferry/api";
import pino from "pino";
import { createAdminService } from "./admin-service";
import { AdminToken } from "./admin-token";
import { AgentCredentials } from "./agent-credentials";
import { enrollAgent } from "./agent-enrollment";
import { AgentHub } from "./agent-hub";
import { AgentSession } from "./agent-session";
import { agentIdentity, createAuthInterceptor } from "./auth-interceptor";
import { BootstrapTokens } from "./bootstrap-tokens";
import { ClusterRegistry } from "./cluster-registry";
import { FileStore } from "./file-store";

async function codeOf(call: Promise<unknown>): Promise<[string, string] | undefined> {
  return call.then(
    () => undefined,
    (error: unknown) => {
      const e = ConnectError.from(error);
      return [Code[e.code], e.rawMessage];
    },
  );
}

// AdminService and AgentLink.Enroll as the gateway wires them, behind the auth interceptor,
// through connect's in-memory transport. Push here only echoes who the caller was found to be.
describe("auth interceptor, AdminService and enrollment", () => {
  let dir: string;
  let adminToken: string;
  let hub: AgentHub;
  let clusters: ClusterRegistry;
  let transport: ReturnType<typeof createRouterTransport>;
  const logger = pino({ level: "silent" });
  const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "ferry-auth-"));
    const store = await FileStore.open(dir);
    const setup = await AdminToken.setUp(store, { file: undefined, logger });
    adminToken = setup.token as string;
    const credentials = await AgentCredentials.load(store);
    const tokens = await BootstrapTokens.load(store);
    hub = new AgentHub();
    clusters = await ClusterRegistry.load(store);
    transport = createRouterTransport(
      (router) => {
        router.service(AdminService, createAdminService({ tokens, credentials, clusters, hub, logger }));
        router.service(AgentLink, {
          enroll: (request) => enrollAgent({ tokens, credentials, logger }, request),
          push: (_request, ctx) => ({ message: agentIdentity(ctx).clusterId }),
        });
      },
      { router: { interceptors: [createAuthInterceptor({ admin: setup.admin, credentials })] } },
    );
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("refuses management calls without the admin token or with another", async () => {
    const admin = createClient(AdminService, transport);
    expect(await codeOf(admin.listBootstrapTokens({}))).toEqual([
      "Unauthenticated",
      "authorization: missing `Bearer <admin token>` (the ferry CLI takes --token or FERRY_TOKEN)",
    ]);
    expect(await codeOf(admin.listBootstrapTokens({}, bearer("wrong-token-wrong-token")))).toEqual([
      "Unauthenticated",
      "authorization: not the admin token",
    ]);
    expect(await codeOf(admin.listBootstrapTokens({}, bearer(adminToken)))).toBeUndefined();
  });

  it("enrolls with a token, then the credential alone names the cluster; once per cluster", async () => {
    const admin = createClient(AdminService, transport);
    const agentLink = createClient(AgentLink, transport);
    const created = await admin.createBootstrapToken({}, bearer(adminToken));
    expect(Number(created.token?.expiresAt?.seconds) - Number(created.token?.createdAt?.seconds)).toBe(3600);

    const enrolled = await agentLink.enroll({ bootstrapToken: created.secret, clusterId: "edge-1" });
    expect(enrolled.clusterId).toBe("edge-1");
    expect((await agentLink.push({}, bearer(enrolled.credential))).message).toBe("edge-1");
    expect(await codeOf(agentLink.push({}))).toEqual([
      "Unauthenticated",
      "authorization: no agent credential; start the agent with --bootstrap-token to enroll it",
    ]);
    // The admin token is no agent credential, nor is an agent credential the admin token.
    expect((await codeOf(agentLink.push({}, bearer(adminToken))))?.[0]).toBe("Unauthenticated");
    expect((await codeOf(admin.listBootstrapTokens({}, bearer(enrolled.credential))))?.[0]).toBe(
      "Unauthenticated",
    );

    expect(await codeOf(agentLink.enroll({ bootstrapToken: created.secret, clusterId: "edge-1" }))).toEqual([
      "AlreadyExists",
      'cluster_id: cluster "edge-1" already has an enrolled agent; run `ferry clusters rm edge-1` first to enroll it again',
    ]);
    const { tokens } = await admin.listBootstrapTokens({}, bearer(adminToken));
    expect(tokens.map((t) => [t.id, t.uses])).toEqual([[created.token?.id, 1]]);
  });

  it("removing a cluster revokes its credential and closes its session", async () => {
    const admin = createClient(AdminService, transport);
    const agentLink = createClient(AgentLink, transport);
    const { secret } = await admin.createBootstrapToken({ clusterId: "edge-2" }, bearer(adminToken));
    const { credential } = await agentLink.enroll({ bootstrapToken: secret, clusterId: "edge-2" });
    await clusters.recordConnect("edge-2", "0.1.0");
    const session = new AgentSession("s1", "edge-2", "0.1.0");
    hub.attach(session);

    expect(await admin.removeCluster({ clusterId: "edge-2" }, bearer(adminToken))).toMatchObject({
      disconnected: true,
    });
    expect(session.isOpen).toBe(false);
    expect(hub.session("edge-2")).toBeUndefined();
    expect(clusters.has("edge-2")).toBe(false);
    expect((await codeOf(agentLink.push({}, bearer(credential))))?.[0]).toBe("Unauthenticated");
    expect(await codeOf(admin.removeCluster({ clusterId: "edge-2" }, bearer(adminToken)))).toEqual([
      "NotFound",
      'cluster_id: unknown cluster "edge-2"',
    ]);
    // Enrolling again takes a token, and works now that the cluster is gone.
    const again = await admin.createBootstrapToken({ clusterId: "edge-2" }, bearer(adminToken));
    expect(
      await codeOf(agentLink.enroll({ bootstrapToken: again.secret, clusterId: "edge-2" })),
    ).toBeUndefined();
  });

  it("checks its arguments, naming the field", async () => {
    const admin = createClient(AdminService, transport);
    const agentLink = createClient(AgentLink, transport);
    expect(await codeOf(admin.createBootstrapToken({ ttlMs: -1n }, bearer(adminToken)))).toEqual([
      "InvalidArgument",
      "ttl_ms: must be from 0 (the default, 1h) to 31536000000",
    ]);
    expect(
      (await codeOf(admin.createBootstrapToken({ clusterId: "Bad_Id" }, bearer(adminToken))))?.[1],
    ).toMatch(/^cluster_id: "Bad_Id" is not a DNS-1123 subdomain/);
    expect(await codeOf(admin.revokeBootstrapToken({ id: "nope" }, bearer(adminToken)))).toEqual([
      "NotFound",
      'id: no bootstrap token "nope"',
    ]);
    const { secret } = await admin.createBootstrapToken({}, bearer(adminToken));
    expect((await codeOf(agentLink.enroll({ bootstrapToken: secret, clusterId: "" })))?.[1]).toBe(
      "cluster_id: must not be empty",
    );
  });
});
