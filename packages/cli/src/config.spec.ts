import { resolve } from "node:path";
import { agentOptionsFrom, ConfigError, envName, gatewayOptionsFrom, serverUrlFrom } from "./config";

function configError(build: () => unknown): ConfigError {
  try {
    build();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe("gatewayOptionsFrom", () => {
  const minimal = { dataDir: "data", remoteWriteUrl: "http://cortex:9009/api/v1/push" };

  it("takes flags, fills nothing the gateway defaults itself, and resolves the data dir", () => {
    expect(gatewayOptionsFrom(minimal, {})).toEqual({
      dataDir: resolve("data"),
      remoteWriteUrl: "http://cortex:9009/api/v1/push",
      // The library serves h2c without it; `ferry gateway` defaults to TLS.
      tls: { selfSigned: true },
    });
    expect(
      gatewayOptionsFrom(
        {
          ...minimal,
          listen: "0.0.0.0:7443",
          tenantHeader: "X-Scope-OrgID",
          queryUrl: "https://cortex/prometheus",
        },
        {},
      ),
    ).toEqual({
      dataDir: resolve("data"),
      remoteWriteUrl: "http://cortex:9009/api/v1/push",
      listen: "0.0.0.0:7443",
      tenantHeader: "X-Scope-OrgID",
      queryUrl: "https://cortex/prometheus",
      tls: { selfSigned: true },
    });
  });

  it("reads FERRY_* variables, and a flag wins over its variable", () => {
    const env = {
      FERRY_DATA_DIR: "/var/lib/ferry",
      FERRY_REMOTE_WRITE_URL: "http://env/push",
      FERRY_LISTEN: "[::1]:0",
      FERRY_TENANT_HEADER: "",
    };
    expect(gatewayOptionsFrom({}, env)).toEqual({
      dataDir: "/var/lib/ferry",
      remoteWriteUrl: "http://env/push",
      listen: "[::1]:0",
      tls: { selfSigned: true },
    });
    expect(gatewayOptionsFrom({ remoteWriteUrl: "http://flag/push" }, env).remoteWriteUrl).toBe(
      "http://flag/push",
    );
  });

  it.each([
    [{ remoteWriteUrl: "http://x" }, {}, "--data-dir", "--data-dir is required (or set FERRY_DATA_DIR)"],
    [
      { dataDir: "d" },
      {},
      "--remote-write-url",
      "--remote-write-url is required (or set FERRY_REMOTE_WRITE_URL)",
    ],
    [
      { ...minimal, remoteWriteUrl: "cortex:9009" },
      {},
      "--remote-write-url",
      'invalid --remote-write-url "cortex:9009": expected an http:// or https:// URL, not cortex:',
    ],
    [
      minimal,
      { FERRY_QUERY_URL: "not a url" },
      "--query-url",
      'invalid FERRY_QUERY_URL "not a url": expected an http:// or https:// URL',
    ],
    [
      { ...minimal, listen: "7443" },
      {},
      "--listen",
      'invalid --listen "7443": expected HOST:PORT, e.g. 127.0.0.1:7443 (port 0 picks a free one)',
    ],
    [
      { ...minimal, listen: "host:70000" },
      {},
      "--listen",
      'invalid --listen "host:70000": expected HOST:PORT',
    ],
    [
      { ...minimal, listen: ":7443" },
      {},
      "--listen",
      "give the host too, e.g. 0.0.0.0:7443 for every interface",
    ],
    [
      { ...minimal, tenantHeader: "X Scope" },
      {},
      "--tenant-header",
      'invalid --tenant-header "X Scope": expected an HTTP header name',
    ],
  ])("refuses %j with env %j, naming %s", (flags, env, flag, message) => {
    const err = configError(() => gatewayOptionsFrom(flags, env));
    expect(err.flag).toBe(flag);
    expect(err.message).toContain(message);
  });
});

describe("agentOptionsFrom", () => {
  it("takes flags and variables", () => {
    expect(agentOptionsFrom({ gateway: "http://gw:7443", cluster: "prod-eu" }, {})).toEqual({
      gatewayUrl: "http://gw:7443",
      clusterId: "prod-eu",
    });
    expect(
      agentOptionsFrom(
        {},
        {
          FERRY_GATEWAY: "https://gw",
          FERRY_CLUSTER: "c1",
          FERRY_DATA_DIR: "/d",
          FERRY_REMOTE_WRITE_LISTEN: "0.0.0.0:9201",
        },
      ),
    ).toEqual({
      gatewayUrl: "https://gw",
      clusterId: "c1",
      dataDir: "/d",
      remoteWriteListen: "0.0.0.0:9201",
    });
  });

  it.each([
    [{ cluster: "c" }, "--gateway", "--gateway is required (or set FERRY_GATEWAY)"],
    [{ gateway: "http://gw" }, "--cluster", "--cluster is required (or set FERRY_CLUSTER)"],
    [{ gateway: "gw:7443", cluster: "c" }, "--gateway", 'invalid --gateway "gw:7443"'],
    [
      { gateway: "http://gw", cluster: "a/b" },
      "--cluster",
      'invalid --cluster "a/b": expected lower-case letters',
    ],
    [{ gateway: "http://gw", cluster: ".." }, "--cluster", 'invalid --cluster ".."'],
    [{ gateway: "http://gw", cluster: "Prod_EU" }, "--cluster", 'invalid --cluster "Prod_EU"'],
    [
      { gateway: "http://gw", cluster: "c", remoteWriteListen: "localhost" },
      "--remote-write-listen",
      'invalid --remote-write-listen "localhost": expected HOST:PORT',
    ],
  ])("refuses %j, naming %s", (flags, flag, message) => {
    const err = configError(() => agentOptionsFrom(flags, {}));
    expect(err.flag).toBe(flag);
    expect(err.message).toContain(message);
  });
});

describe("serverUrlFrom", () => {
  it("prefers --server, then FERRY_SERVER, then the default", () => {
    expect(serverUrlFrom("https://gw:443/", { FERRY_SERVER: "http://env:1" })).toBe("https://gw:443");
    expect(serverUrlFrom(undefined, { FERRY_SERVER: "http://env:1" })).toBe("http://env:1");
    expect(serverUrlFrom(undefined, {})).toBe("https://127.0.0.1:7443");
  });

  it("names the variable a bad value came from", () => {
    expect(() => serverUrlFrom(undefined, { FERRY_SERVER: "gw" })).toThrow('invalid FERRY_SERVER "gw"');
  });
});

describe("envName", () => {
  it("is FERRY_ plus the flag in upper snake case", () => {
    expect(envName("--remote-write-url")).toBe("FERRY_REMOTE_WRITE_URL");
  });
});

describe("agent import tuning flags", () => {
  const base = { gateway: "http://gw:7443", cluster: "c1" };

  it("reads write concurrency, batch samples, window bytes and the read deadline", () => {
    const options = agentOptionsFrom(
      { ...base, writeConcurrency: "8", windowBytes: "32MiB", readDeadline: "30s" },
      { FERRY_BATCH_SAMPLES: "20000" },
    );
    expect(options.import).toEqual({
      concurrency: 8,
      batchSamples: 20_000,
      windowTargetBytes: 32 * 1024 * 1024,
      readDeadlineMs: 30_000,
    });
  });

  it("names the flag of a bad value", () => {
    expect(() => agentOptionsFrom({ ...base, writeConcurrency: "0" }, {})).toThrow(/--write-concurrency/);
    expect(() => agentOptionsFrom({ ...base, batchSamples: "0" }, {})).toThrow(/--batch-samples/);
    expect(() => agentOptionsFrom({ ...base, windowBytes: "12 apples" }, {})).toThrow(/--window-bytes/);
    expect(() => agentOptionsFrom({ ...base, windowBytes: "1k" }, {})).toThrow(/at least 64KiB/);
  });

  it("leaves the defaults to the agent when no flag is given", () => {
    expect(agentOptionsFrom(base, {}).import).toBeUndefined();
  });
});
