import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { AgentLink, type EnrollRequest } from "@ferry/api";
import pino from "pino";
import { CredentialFileError, credentialPath, readCredential } from "./credential-file";
import { Enrollment } from "./enrollment";

describe("Enrollment", () => {
  let dir: string;
  let requests: EnrollRequest[];
  const logger = pino({ level: "silent" });
  const client = () =>
    createClient(
      AgentLink,
      createRouterTransport((router) => {
        router.service(AgentLink, {
          enroll: (request) => {
            requests.push(request);
            return { clusterId: request.clusterId, credential: "0123456789abcdef.secret" };
          },
        });
      }),
    );
  const signal = new AbortController().signal;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "ferry-enroll-"));
    requests = [];
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("trades the bootstrap token once, keeps the credential 0600 in the data dir, and reuses it", async () => {
    const options = { clusterId: "edge", agentVersion: "0.1.0", bootstrapToken: "tok", dataDir: dir, logger };
    const first = new Enrollment(options);
    await first.load();
    expect(first.current).toBeUndefined();
    expect(await first.obtain(client(), signal)).toBe("0123456789abcdef.secret");
    expect(requests.map((r) => [r.bootstrapToken, r.clusterId, r.agentVersion])).toEqual([
      ["tok", "edge", "0.1.0"],
    ]);
    expect(await readCredential(dir)).toEqual({ clusterId: "edge", credential: "0123456789abcdef.secret" });
    expect((await stat(credentialPath(dir))).mode & 0o777).toBe(0o600);

    const restarted = new Enrollment({ ...options, bootstrapToken: undefined });
    await restarted.load();
    expect(await restarted.obtain(client(), signal)).toBe("0123456789abcdef.secret");
    expect(requests).toHaveLength(1);
  });

  it("refuses another cluster's credential file", async () => {
    await new Enrollment({
      clusterId: "edge",
      agentVersion: "v",
      bootstrapToken: "t",
      dataDir: dir,
      logger,
    }).obtain(client(), signal);
    const other = new Enrollment({
      clusterId: "core",
      agentVersion: "v",
      bootstrapToken: "t",
      dataDir: dir,
      logger,
    });
    const error = await other.load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialFileError);
    expect((error as Error).message).toMatch(
      /credential.json: holds the credential of cluster "edge", not "core"/,
    );
  });

  it("without a credential or a token, says what to do", async () => {
    const none = new Enrollment({
      clusterId: "edge",
      agentVersion: "v",
      bootstrapToken: undefined,
      dataDir: dir,
      logger,
    });
    await none.load();
    const error = ConnectError.from(await none.obtain(client(), signal).catch((e: unknown) => e));
    expect(Code[error.code]).toBe("FailedPrecondition");
    expect(error.rawMessage).toMatch(
      /^no agent credential in .*credential.json and no bootstrap token: create one/,
    );
  });
});
