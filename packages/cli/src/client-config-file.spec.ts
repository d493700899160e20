import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClientConfigFileError, readClientConfigFile } from "./client-config-file";
import { adminTokenFrom, gatewayTrustFrom, serverUrlFrom } from "./config";

const PIN = `sha256:${"ab".repeat(32)}`;

function homeWith(content: string): string {
  const home = mkdtempSync(join(tmpdir(), "ferry-config-"));
  mkdirSync(join(home, ".config", "ferry"), { recursive: true });
  writeFileSync(join(home, ".config", "ferry", "config.json"), content);
  return home;
}

describe("the management client's config file", () => {
  it("supplies server, pin and token when no flag or variable does", () => {
    const env = {
      HOME: homeWith(JSON.stringify({ server: "https://gw:7443", gatewayCaPin: PIN, token: "t1" })),
    };
    const file = readClientConfigFile(env);
    const server = serverUrlFrom(undefined, env, file);
    expect(server).toBe("https://gw:7443");
    expect(gatewayTrustFrom({}, env, [server], file)).toEqual({ pins: ["ab".repeat(32)] });
    expect(adminTokenFrom(undefined, env, file)).toBe("t1");
  });

  it("loses to flags and FERRY_* variables", () => {
    const env = {
      HOME: homeWith(JSON.stringify({ server: "https://file:1", token: "from-file" })),
      FERRY_TOKEN: "from-env",
    };
    const file = readClientConfigFile(env);
    expect(serverUrlFrom("https://flag:2", env, file)).toBe("https://flag:2");
    expect(adminTokenFrom(undefined, env, file)).toBe("from-env");
  });

  it("names the file and the key in errors", () => {
    const env = { HOME: homeWith(JSON.stringify({ server: "gw" })) };
    const path = join(env.HOME, ".config", "ferry", "config.json");
    expect(() => serverUrlFrom(undefined, env, readClientConfigFile(env))).toThrow(
      `invalid "server" in ${path} "gw"`,
    );
    const unknown = { HOME: homeWith(JSON.stringify({ sever: "https://gw" })) };
    expect(() => readClientConfigFile(unknown)).toThrow(ClientConfigFileError);
    expect(() => readClientConfigFile(unknown)).toThrow('unknown key "sever"');
  });

  it("is optional", () => {
    expect(readClientConfigFile({ HOME: mkdtempSync(join(tmpdir(), "ferry-config-")) })).toBeUndefined();
    expect(readClientConfigFile({})).toBeUndefined();
  });
});
