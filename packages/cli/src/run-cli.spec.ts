import { Code, ConnectError } from "@connectrpc/connect";
import { cliHarness } from "./testing/cli-harness";

describe("runCli", () => {
  it("prints help on --help with exit 0", async () => {
    const cli = cliHarness({});
    expect(await cli.run("--help")).toBe(0);
    for (const command of ["gateway", "agent", "targets", "import", "discover", "clusters", "query"]) {
      expect(cli.stdout.text).toContain(command);
    }
    expect(cli.stdout.text).toContain("--server <url>");
  });

  it("prints its version", async () => {
    const cli = cliHarness({});
    expect(await cli.run("--version")).toBe(0);
    expect(cli.stdout.text).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it.each([
    [["bogus"], "ferry: unknown command 'bogus'\n"],
    [["targets", "list", "--bogus"], "ferry: unknown option '--bogus'\n"],
    [
      ["-o", "yaml", "clusters"],
      "ferry: option '-o, --output <format>' argument 'yaml' is invalid. Allowed choices are table, json.\n",
    ],
  ])("exits 2 for %j", async (argv, message) => {
    const cli = cliHarness({});
    expect(await cli.run(...argv)).toBe(2);
    expect(cli.stderr.text).toBe(message);
  });

  it("exits 2 with help when a command group is given no subcommand", async () => {
    const cli = cliHarness({});
    expect(await cli.run("import")).toBe(2);
    expect(cli.stderr.text).toContain("Usage: ferry import");
  });

  it("talks to --server, else FERRY_SERVER", async () => {
    const cli = cliHarness({ listClusters: () => ({}) }, { env: { FERRY_SERVER: "http://env:1" } });
    await cli.run("clusters");
    await cli.run("--server", "https://gw.example:8443/", "clusters");
    await cli.run("clusters", "--server", "http://after:2");
    expect(cli.serverUrls).toEqual(["http://env:1", "https://gw.example:8443", "http://after:2"]);
  });

  it("refuses a bad --server with exit 2", async () => {
    const cli = cliHarness({});
    expect(await cli.run("--server", "gw:7443", "clusters")).toBe(2);
    expect(cli.stderr.text).toMatch(
      /^ferry: invalid --server "gw:7443": expected an http:\/\/ or https:\/\/ URL/,
    );
  });

  it("prints server errors as `ferry: <code>: <message>` with exit 1, with a hint when unreachable", async () => {
    const cli = cliHarness({
      listClusters() {
        throw new ConnectError("connect ECONNREFUSED 127.0.0.1:7443", Code.Unavailable);
      },
      listImports() {
        throw new ConnectError("missing token", Code.Unauthenticated);
      },
    });
    expect(await cli.run("clusters")).toBe(1);
    expect(cli.stderr.text).toBe(
      "ferry: unavailable: connect ECONNREFUSED 127.0.0.1:7443 (is the gateway running at https://127.0.0.1:7443? set --server or FERRY_SERVER)\n",
    );
    expect(await cli.run("import", "status")).toBe(1);
    expect(cli.stderr.text).toContain("ferry: unauthenticated: missing token\n");
  });

  it("reports a method the server lacks", async () => {
    const cli = cliHarness({});
    expect(await cli.run("clusters")).toBe(1);
    expect(cli.stderr.text).toMatch(/^ferry: unimplemented: /);
  });
});
