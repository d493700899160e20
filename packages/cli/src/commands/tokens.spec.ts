import { mkdirSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import type { CreateBootstrapTokenRequest } from "@ferry/api";
import { cliHarness, HARNESS_ADMIN_TOKEN, NOW_MS } from "../testing/cli-harness";

const HOUR = 3600_000;
const created = {
  id: "0123456789abcdef",
  createdAt: timestampFromMs(NOW_MS),
  expiresAt: timestampFromMs(NOW_MS + HOUR),
  clusterId: "prod-eu-1",
  uses: 0,
};

describe("ferry tokens", () => {
  it("create: sends --ttl and --cluster, prints the token once", async () => {
    const requests: CreateBootstrapTokenRequest[] = [];
    const cli = cliHarness(
      {},
      {
        admin: {
          createBootstrapToken: (request) => {
            requests.push(request);
            return { token: created, secret: "0123456789abcdef.s3cret" };
          },
        },
      },
    );
    expect(await cli.run("tokens", "create", "--ttl", "1h", "--cluster", "prod-eu-1")).toBe(0);
    expect(requests.map((r) => [r.ttlMs, r.clusterId])).toEqual([[3_600_000n, "prod-eu-1"]]);
    expect(cli.stdout.text).toBe(
      "bootstrap token 0123456789abcdef for cluster prod-eu-1, until 2026-11-23T13:00:00Z:\n0123456789abcdef.s3cret\n",
    );
    expect(cli.authorizations).toEqual([`Bearer ${HARNESS_ADMIN_TOKEN}`]);
  });

  it("create -o json: the token and its secret for scripts; no --ttl means the gateway's default", async () => {
    const requests: CreateBootstrapTokenRequest[] = [];
    const cli = cliHarness(
      {},
      {
        admin: {
          createBootstrapToken: (request) => {
            requests.push(request);
            return { token: { ...created, clusterId: "" }, secret: "0123456789abcdef.s3cret" };
          },
        },
      },
    );
    expect(await cli.run("tokens", "create", "-o", "json")).toBe(0);
    expect(requests.map((r) => [r.ttlMs, r.clusterId])).toEqual([[0n, ""]]);
    expect(JSON.parse(cli.stdout.text)).toEqual({
      token: {
        id: "0123456789abcdef",
        createdAt: "2026-11-23T12:00:00Z",
        expiresAt: "2026-11-23T13:00:00Z",
        clusterId: "",
        uses: 0,
      },
      secret: "0123456789abcdef.s3cret",
    });
  });

  it("create refuses a bad --ttl before calling", async () => {
    const cli = cliHarness({}, { admin: {} });
    expect(await cli.run("tokens", "create", "--ttl", "soon")).toBe(2);
    expect(cli.stderr.text).toMatch(/^ferry: invalid --ttl: "soon" is not a duration/);
    expect(cli.authorizations).toEqual([]);
  });

  it("list: a table with expired tokens marked", async () => {
    const expired = {
      ...created,
      id: "fedcba9876543210",
      clusterId: "",
      createdAt: timestampFromMs(NOW_MS - 2 * HOUR),
      expiresAt: timestampFromMs(NOW_MS - HOUR),
      uses: 3,
    };
    const cli = cliHarness({}, { admin: { listBootstrapTokens: () => ({ tokens: [expired, created] }) } });
    expect(await cli.run("tokens", "list")).toBe(0);
    expect(cli.stdout.text).toBe(
      [
        "ID                CLUSTER    CREATED               EXPIRES               STATE    USES",
        "fedcba9876543210  *          2026-11-23T10:00:00Z  2026-11-23T11:00:00Z  expired  3",
        "0123456789abcdef  prod-eu-1  2026-11-23T12:00:00Z  2026-11-23T13:00:00Z  valid    0",
        "",
      ].join("\n"),
    );
  });

  it("rm: revokes by id; an unknown id is the gateway's NotFound", async () => {
    const revoked: string[] = [];
    const cli = cliHarness(
      {},
      {
        admin: {
          revokeBootstrapToken: ({ id }) => {
            if (id !== created.id) throw new ConnectError(`id: no bootstrap token "${id}"`, Code.NotFound);
            revoked.push(id);
            return {};
          },
        },
      },
    );
    expect(await cli.run("tokens", "rm", created.id)).toBe(0);
    expect(cli.stdout.text).toBe("revoked bootstrap token 0123456789abcdef\n");
    expect(await cli.run("tokens", "rm", "nope")).toBe(1);
    expect(cli.stderr.text).toBe('ferry: not_found: id: no bootstrap token "nope"\n');
    expect(revoked).toEqual([created.id]);
  });
});

describe("the admin token of management commands", () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), "ferry-home-"));
  });
  afterEach(() => rm(home, { recursive: true, force: true }));

  const listing = { listBootstrapTokens: () => ({ tokens: [] }) };

  it.each<[string, string[], Record<string, string>]>([
    ["--token", ["--token", "from-flag"], { FERRY_TOKEN: "from-env" }],
    ["FERRY_TOKEN", [], { FERRY_TOKEN: "from-env" }],
  ])("comes from %s first", async (_name, args, env) => {
    const cli = cliHarness({}, { admin: listing, env });
    expect(await cli.run(...args, "tokens", "list")).toBe(0);
    expect(cli.authorizations).toEqual([`Bearer ${args.length > 0 ? "from-flag" : "from-env"}`]);
  });

  it("else from ~/.config/ferry/config.json, or $XDG_CONFIG_HOME/ferry/config.json", async () => {
    mkdirSync(join(home, ".config", "ferry"), { recursive: true });
    await writeFile(join(home, ".config", "ferry", "config.json"), '{"token": "from-home"}\n');
    mkdirSync(join(home, "xdg", "ferry"), { recursive: true });
    await writeFile(join(home, "xdg", "ferry", "config.json"), '{"token": "from-xdg"}\n');

    const fromHome = cliHarness({}, { admin: listing, env: { FERRY_TOKEN: "", HOME: home } });
    expect(await fromHome.run("tokens", "list")).toBe(0);
    const fromXdg = cliHarness(
      {},
      { admin: listing, env: { FERRY_TOKEN: "", HOME: home, XDG_CONFIG_HOME: join(home, "xdg") } },
    );
    expect(await fromXdg.run("tokens", "list")).toBe(0);
    expect([...fromHome.authorizations, ...fromXdg.authorizations]).toEqual([
      "Bearer from-home",
      "Bearer from-xdg",
    ]);
  });

  it("without any, the call goes without and the gateway refuses it", async () => {
    const cli = cliHarness({}, { admin: listing, env: { FERRY_TOKEN: "", HOME: home } });
    expect(await cli.run("tokens", "list")).toBe(1);
    expect(cli.stderr.text).toBe("ferry: unauthenticated: authorization: missing\n");
  });

  it("refuses a config file that is not JSON, naming it", async () => {
    mkdirSync(join(home, ".config", "ferry"), { recursive: true });
    await writeFile(join(home, ".config", "ferry", "config.json"), "token: x\n");
    const cli = cliHarness({}, { admin: listing, env: { FERRY_TOKEN: "", HOME: home } });
    expect(await cli.run("tokens", "list")).toBe(2);
    expect(cli.stderr.text).toBe(
      `ferry: ${join(home, ".config", "ferry", "config.json")} is not JSON; expected {"server": ..., "token": ...}\n`,
    );
  });
});
