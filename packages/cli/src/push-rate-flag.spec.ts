import { ConfigError, gatewayOptionsFrom } from "./config";

// --max-push-bytes-per-second: the gateway's per-cluster push rate limit.
describe("ferry gateway --max-push-bytes-per-second", () => {
  const minimal = { dataDir: "data", remoteWriteUrl: "http://cortex:9009/api/v1/push" };

  it.each([
    ["200MiB", 200 * 1024 * 1024],
    ["200MiB/s", 200 * 1024 * 1024],
    ["1g", 1024 * 1024 * 1024],
    ["1048576", 1048576],
    ["0", 0],
  ])("reads %s as %d bytes per second", (value, bytes) => {
    expect(gatewayOptionsFrom({ ...minimal, maxPushBytesPerSecond: value }, {}).maxPushBytesPerSecond).toBe(
      bytes,
    );
  });

  it("takes FERRY_MAX_PUSH_BYTES_PER_SECOND, and leaves the gateway's default alone without either", () => {
    expect(
      gatewayOptionsFrom(minimal, { FERRY_MAX_PUSH_BYTES_PER_SECOND: "64MiB" }).maxPushBytesPerSecond,
    ).toBe(64 * 1024 * 1024);
    expect(gatewayOptionsFrom(minimal, {})).not.toHaveProperty("maxPushBytesPerSecond");
  });

  it.each(["fast", "-1", "1KiB"])("refuses %s, naming the flag", (value) => {
    let error: unknown;
    try {
      gatewayOptionsFrom({ ...minimal, maxPushBytesPerSecond: value }, {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).flag).toBe("--max-push-bytes-per-second");
    expect((error as ConfigError).message).toMatch(/^invalid --max-push-bytes-per-second/);
  });
});
