import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  type AddTargetRequest,
  type EditTargetRequest,
  type ListTargetsRequest,
  type RemoveTargetRequest,
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
    expect(cli.serverUrls).toEqual(["http://127.0.0.1:7443"]);
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
      "ferry: targets edit: nothing to change; give --endpoint and/or --new-name\n",
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
});
