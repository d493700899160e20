import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";

interface Service {
  image?: string;
  command?: string[];
  depends_on?: string[];
  ports?: string[];
}

// No Docker engine runs here: the compose file is checked for shape and consistency.
describe("docker-compose.yml", () => {
  let services: Record<string, Service>;

  beforeAll(async () => {
    const doc = parse(await readFile(join(__dirname, "../../docker-compose.yml"), "utf8"), {
      merge: true,
    }) as {
      services: Record<string, Service>;
    };
    services = doc.services;
  });

  it("has an image and a command for every service, and depends only on defined services", () => {
    expect(Object.keys(services).sort()).toEqual(["agent", "cortex", "gateway", "prometheus"]);
    for (const [name, service] of Object.entries(services)) {
      expect([name, typeof service.image]).toEqual([name, "string"]);
      expect(service.command?.length).toBeGreaterThan(0);
      for (const dep of service.depends_on ?? []) expect(Object.keys(services)).toContain(dep);
    }
  });

  it("runs the CLI spellings the README documents, wired to Cortex with the tenant header default", () => {
    const gateway = services.gateway?.command?.join(" ") ?? "";
    expect(gateway).toMatch(/ferry gateway --listen 0\.0\.0\.0:7443 --data-dir \S+/);
    expect(gateway).toContain("--remote-write-url http://cortex:9009/api/v1/push");
    expect(gateway).toContain("--query-url http://cortex:9009/prometheus");
    expect(services.agent?.command?.join(" ")).toMatch(
      /ferry agent --gateway http:\/\/gateway:7443 --cluster demo/,
    );
    expect(services.cortex?.command).toContain("-auth.enabled=true");
  });

  it("enrolls the agent: admin token file on a shared volume, a bootstrap token, a kept credential", () => {
    const gateway = services.gateway?.command?.join(" ") ?? "";
    const agent = services.agent?.command?.join(" ") ?? "";
    const file = /--admin-token-file (\S+)/.exec(gateway)?.[1] ?? "";
    expect(file).not.toBe("");
    expect(agent).toContain(`cat ${file}`);
    expect(agent).toMatch(/ferry --server http:\/\/gateway:7443 tokens create --cluster demo -o json/);
    expect(agent).toMatch(/FERRY_BOOTSTRAP_TOKEN=/);
    const dataDir = /ferry agent .*--data-dir (\S+)/.exec(agent)?.[1] ?? "";
    expect(agent).toContain(`${dataDir}/credential.json`);
    const secrets = (name: string) => (services[name] as { volumes?: string[] }).volumes ?? [];
    expect(secrets("gateway").some((v) => file.startsWith(v.split(":")[1] ?? "?"))).toBe(true);
    expect(secrets("agent").some((v) => file.startsWith(v.split(":")[1] ?? "?"))).toBe(true);
  });
});
