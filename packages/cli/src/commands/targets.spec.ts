import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  type AddTargetRequest,
  type EditTargetRequest,
  type GetTargetRequest,
  type ListTargetsRequest,
  type RemoveTargetRequest,
  SourceAuthSchema,
  type Target,
  TargetSchema,
} from "@ferry/api";
import { cliHarness, NOW_MS } from "../testing/cli-harness";

function target(name: string, endpoint = `http://${name}:9090/api/v1/read`): Target {
  return create(TargetSchema, {
    clusterId: "prod",
    name,
    endpoint,
    createdAt: timestampFromMs(NOW_MS - 3_600_000),
    updatedAt: timestampFromMs(NOW_MS),
  });
}

describe("ferry targets", () => {
  it("add sends the target and prints it as a table", async () => {
    const requests: AddTargetRequest[] = [];
    const cli = cliHarness({
      addTarget(req) {
        requests.push(req);
        return { target: target(req.name, req.endpoint) };
      },
    });
    const code = await cli.run(
      "targets",
      "add",
      "--cluster",
      "prod",
      "--name",
      "prom",
      "--endpoint",
      "http://prom:9090/api/v1/read",
    );
    expect(code).toBe(0);
    expect(requests.map(({ clusterId, name, endpoint }) => ({ clusterId, name, endpoint }))).toEqual([
      { clusterId: "prod", name: "prom", endpoint: "http://prom:9090/api/v1/read" },
    ]);
    expect(cli.stdout.text).toBe(
      [
        "CLUSTER  NAME  ENDPOINT                      CREATED               UPDATED",
        "prod     prom  http://prom:9090/api/v1/read  2026-11-23T11:00:00Z  2026-11-23T12:00:00Z",
        "",
      ].join("\n"),
    );
    expect(cli.serverUrls).toEqual(["https://127.0.0.1:7443"]);
  });

  it("add refuses an endpoint that is not a URL before calling the server", async () => {
    const cli = cliHarness({});
    const code = await cli.run("targets", "add", "--cluster", "c", "--name", "n", "--endpoint", "prom:9090");
    expect(code).toBe(2);
    expect(cli.stderr.text).toBe(
      'ferry: invalid --endpoint "prom:9090": expected an http:// or https:// URL\n',
    );
  });

  it("add without --name is a usage error", async () => {
    const cli = cliHarness({});
    expect(await cli.run("targets", "add", "--cluster", "c", "--endpoint", "http://x")).toBe(2);
    expect(cli.stderr.text).toBe("ferry: required option '--name <name>' not specified\n");
  });

  it("list filters by cluster and prints JSON with the proto's names", async () => {
    const requests: ListTargetsRequest[] = [];
    const cli = cliHarness({
      listTargets(req) {
        requests.push(req);
        return { targets: [target("a"), target("b")] };
      },
    });
    expect(await cli.run("-o", "json", "targets", "list", "--cluster", "prod")).toBe(0);
    expect(requests[0]?.clusterId).toBe("prod");
    const doc = JSON.parse(cli.stdout.text);
    expect(doc.targets).toHaveLength(2);
    expect(doc.targets[0]).toEqual({
      clusterId: "prod",
      name: "a",
      endpoint: "http://a:9090/api/v1/read",
      createdAt: "2026-11-23T11:00:00Z",
      updatedAt: "2026-11-23T12:00:00Z",
    });
  });

  it("list without --cluster asks for every cluster; -o may follow the subcommand", async () => {
    const requests: ListTargetsRequest[] = [];
    const cli = cliHarness({
      listTargets(req) {
        requests.push(req);
        return { targets: [] };
      },
    });
    expect(await cli.run("targets", "list", "-o", "json")).toBe(0);
    expect(requests[0]?.clusterId).toBe("");
    expect(JSON.parse(cli.stdout.text)).toEqual({ targets: [] });
  });

  it("edit sends only the fields given", async () => {
    const requests: EditTargetRequest[] = [];
    const cli = cliHarness({
      editTarget(req) {
        requests.push(req);
        return { target: target(req.newName ?? req.name) };
      },
    });
    expect(await cli.run("targets", "edit", "--cluster", "prod", "--name", "a", "--new-name", "b")).toBe(0);
    expect(requests[0]?.newName).toBe("b");
    expect(requests[0]?.endpoint).toBeUndefined();
    expect(cli.stdout.text).toMatch(/^prod\s+b\s+http:\/\/b:9090/m);
  });

  it("edit with nothing to change is a usage error", async () => {
    const cli = cliHarness({});
    expect(await cli.run("targets", "edit", "--cluster", "prod", "--name", "a")).toBe(2);
    expect(cli.stderr.text).toBe(
      "ferry: targets edit: nothing to change; give --endpoint, --new-name or credential flags\n",
    );
  });

  it("rm removes and says so; a server error prints its code and exits 1", async () => {
    const requests: RemoveTargetRequest[] = [];
    const cli = cliHarness({
      removeTarget(req) {
        requests.push(req);
        if (req.name === "ghost") throw new ConnectError("target prod/ghost does not exist", Code.NotFound);
        return {};
      },
    });
    expect(await cli.run("targets", "rm", "--cluster", "prod", "--name", "a")).toBe(0);
    expect(cli.stdout.text).toBe("removed target prod/a\n");
    expect(await cli.run("targets", "rm", "--cluster", "prod", "--name", "ghost")).toBe(1);
    expect(cli.stderr.text).toBe("ferry: not_found: target prod/ghost does not exist\n");
    expect(requests).toHaveLength(2);
  });

  describe("source credentials", () => {
    const withAuth = (t: Target, auth: Parameters<typeof create<typeof SourceAuthSchema>>[1]) => ({
      ...t,
      auth: create(SourceAuthSchema, auth),
    });

    it("add sends basic auth, headers and TLS settings; the table shows them with header values masked", async () => {
      const requests: AddTargetRequest[] = [];
      const cli = cliHarness({
        addTarget(req) {
          requests.push(req);
          // As the gateway answers: header values redacted.
          const headers = Object.fromEntries(
            Object.keys(req.auth?.headers ?? {}).map((k) => [k, "<redacted>"]),
          );
          const { basicUsername, basicPasswordFile, caFile } = req.auth ?? create(SourceAuthSchema);
          return {
            target: withAuth(target(req.name), { basicUsername, basicPasswordFile, caFile, headers }),
          };
        },
      });
      const code = await cli.run(
        ...[
          "targets",
          "add",
          "--cluster",
          "prod",
          "--name",
          "prom",
          "--endpoint",
          "https://prom:9090/api/v1/read",
        ],
        ...["--basic-user", "alice", "--basic-password-file", "/etc/ferry/pw"],
        ...["--header", "X-Scope-OrgID=team-a", "--header", "X-Extra=a=b", "--ca-file", "/etc/ferry/ca.pem"],
      );
      expect(code).toBe(0);
      const auth = requests[0]?.auth;
      expect(auth?.basicUsername).toBe("alice");
      expect(auth?.basicPasswordFile).toBe("/etc/ferry/pw");
      expect(auth?.bearerTokenFile).toBe("");
      expect(auth?.headers).toEqual({ "X-Scope-OrgID": "team-a", "X-Extra": "a=b" });
      expect(auth?.caFile).toBe("/etc/ferry/ca.pem");
      expect(auth?.insecureSkipVerify).toBe(false);
      const [header, row] = cli.stdout.text.split("\n");
      expect(header).toMatch(/UPDATED\s+AUTH$/);
      expect(row).toMatch(
        /basic alice \(\/etc\/ferry\/pw\), X-Extra=<redacted>, X-Scope-OrgID=<redacted>, ca \/etc\/ferry\/ca\.pem$/,
      );
      expect(cli.stdout.text).not.toContain("team-a");
    });

    it("add without credential flags sends no auth and prints no AUTH column", async () => {
      const requests: AddTargetRequest[] = [];
      const cli = cliHarness({
        addTarget(req) {
          requests.push(req);
          return { target: target(req.name) };
        },
      });
      expect(await cli.run("targets", "add", "--cluster", "c", "--name", "n", "--endpoint", "http://x")).toBe(
        0,
      );
      expect(requests[0]?.auth).toBeUndefined();
      expect(cli.stdout.text).not.toContain("AUTH");
    });

    it("add refuses a --header that is not name=value, and bearer together with basic", async () => {
      const cli = cliHarness({});
      const base = ["targets", "add", "--cluster", "c", "--name", "n", "--endpoint", "http://x"];
      expect(await cli.run(...base, "--header", "X-Scope-OrgID")).toBe(2);
      expect(cli.stderr.text).toBe('ferry: invalid --header "X-Scope-OrgID": expected name=value\n');
      expect(await cli.run(...base, "--header", "X-Scope-OrgID=")).toBe(2);
      expect(cli.stderr.text).toContain('invalid --header "X-Scope-OrgID=": needs a value');
      expect(await cli.run(...base, "--basic-user", "u", "--bearer-token-file", "/t")).toBe(2);
      expect(cli.stderr.text).toContain("--bearer-token-file cannot be combined with --basic-user");
    });

    it("edit changes the current credentials: bearer replaces basic, redacted headers are sent back as they are", async () => {
      const gets: GetTargetRequest[] = [];
      const edits: EditTargetRequest[] = [];
      const cli = cliHarness({
        getTarget(req) {
          gets.push(req);
          return {
            target: withAuth(target("a"), {
              basicUsername: "alice",
              basicPasswordFile: "/pw",
              headers: { "X-Scope-OrgID": "<redacted>", "X-Old": "<redacted>" },
              caFile: "/ca.pem",
            }),
          };
        },
        editTarget(req) {
          edits.push(req);
          return { target: target("a") };
        },
      });
      const code = await cli.run(
        ...["targets", "edit", "--cluster", "prod", "--name", "a", "--bearer-token-file", "/var/run/token"],
        ...["--header", "x-old=", "--header", "X-New=1"],
      );
      expect(code).toBe(0);
      expect(gets).toHaveLength(1);
      const auth = edits[0]?.auth;
      expect(auth?.bearerTokenFile).toBe("/var/run/token");
      expect(auth?.basicUsername).toBe("");
      expect(auth?.basicPasswordFile).toBe("");
      expect(auth?.headers).toEqual({ "X-Scope-OrgID": "<redacted>", "X-New": "1" });
      expect(auth?.caFile).toBe("/ca.pem");
    });

    it("edit --clear-auth sends empty credentials without asking for the current ones", async () => {
      const edits: EditTargetRequest[] = [];
      const cli = cliHarness({
        editTarget(req) {
          edits.push(req);
          return { target: target("a") };
        },
      });
      expect(await cli.run("targets", "edit", "--cluster", "prod", "--name", "a", "--clear-auth")).toBe(0);
      expect(edits[0]?.auth).toEqual(create(SourceAuthSchema));
      expect(edits[0]?.endpoint).toBeUndefined();
    });

    it("edit without credential flags leaves the credentials alone", async () => {
      const edits: EditTargetRequest[] = [];
      const cli = cliHarness({
        editTarget(req) {
          edits.push(req);
          return { target: target("a") };
        },
      });
      expect(
        await cli.run("targets", "edit", "--cluster", "prod", "--name", "a", "--endpoint", "http://b"),
      ).toBe(0);
      expect(edits[0]?.auth).toBeUndefined();
    });

    it("get prints the target with its credentials summarised", async () => {
      const cli = cliHarness({
        getTarget: () => ({
          target: withAuth(target("a"), { bearerTokenFile: "/t", insecureSkipVerify: true }),
        }),
      });
      expect(await cli.run("targets", "get", "--cluster", "prod", "--name", "a")).toBe(0);
      expect(cli.stdout.text).toMatch(/bearer \(\/t\), insecure-skip-verify\n$/);
      const json = cliHarness({
        getTarget: () => ({ target: withAuth(target("a"), { headers: { "X-Scope-OrgID": "<redacted>" } }) }),
      });
      expect(await json.run("-o", "json", "targets", "get", "--cluster", "prod", "--name", "a")).toBe(0);
      expect(JSON.parse(json.stdout.text).target.auth).toMatchObject({
        headers: { "X-Scope-OrgID": "<redacted>" },
      });
    });
  });
});
