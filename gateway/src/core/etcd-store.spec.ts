import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EtcdServer, startEtcd } from "@ferry/local-prometheus";
import { Etcd3 } from "etcd3";
import { EtcdStore } from "./etcd-store";
import { describeStoreContract } from "./store-contract";

// A real etcd from Debian's etcd-server.
describe("EtcdStore", () => {
  let dir: string;
  let etcd: EtcdServer;
  const clients: Etcd3[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "ferry-etcd-"));
    etcd = await startEtcd({ dataDir: dir });
  }, 60_000);
  afterAll(async () => {
    for (const client of clients) client.close();
    await etcd?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  describeStoreContract("etcd", async () => {
    const client = new Etcd3({ hosts: etcd.endpoint });
    clients.push(client);
    return new EtcdStore(client, "contract/");
  });

  it("keeps each gateway deployment under its own prefix", async () => {
    const client = new Etcd3({ hosts: etcd.endpoint });
    clients.push(client);
    const a = new EtcdStore(client, "ferry-a/");
    const b = new EtcdStore(client, "ferry-b/");
    await a.put("targets/x", "1");
    expect(await b.get("targets/x")).toBeUndefined();
    expect(await b.list("targets/")).toEqual([]);
  });
});
