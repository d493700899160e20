import { mkdtemp, readdir, readlink, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileStore } from "./file-store";
import { describeStoreContract } from "./store-contract";

describe("FileStore", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "ferry-store-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps values across reopen and lists by prefix in key order", async () => {
    const store = await FileStore.open(dir);
    await store.put("targets/c1/b", "2");
    await store.put("targets/c1/a", "1");
    await store.put("imports/c1/a", "x");
    await store.close();

    const reopened = await FileStore.open(dir);
    expect(await reopened.get("targets/c1/a")).toBe("1");
    expect((await reopened.list("targets/")).map((e) => e.key)).toEqual(["targets/c1/a", "targets/c1/b"]);
  });

  it("last write of a key wins on disk, and deletes persist", async () => {
    const store = await FileStore.open(dir);
    await Promise.all([store.put("k", "1"), store.put("k", "2"), store.put("k", "3")]);
    await store.put("gone", "x");
    expect(await store.delete("gone")).toBe(true);
    expect(await store.delete("gone")).toBe(false);
    const reopened = await FileStore.open(dir);
    expect(await reopened.get("k")).toBe("3");
    expect(await reopened.get("gone")).toBeUndefined();
  });

  it("ignores and removes temporary files left by an interrupted write", async () => {
    const store = await FileStore.open(dir);
    await store.put("k", "old");
    await writeFile(join(dir, "k.json.tmp-abc"), "torn");
    const reopened = await FileStore.open(dir);
    expect(await reopened.get("k")).toBe("old");
    expect(await readdir(dir)).toEqual(["k.json"]);
  });

  it("holds the directory open until close, which waits for the writes under way", async () => {
    // What this process holds open on `dir` (other descriptors come and go with other specs).
    const heldOnDir = async () => {
      const targets = await Promise.all(
        (await readdir("/proc/self/fd")).map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => "")),
      );
      return targets.filter((target) => target === dir).length;
    };
    const store = await FileStore.open(dir);
    expect(await heldOnDir()).toBe(1);
    const writing = store.put("k", "v");
    await store.close();
    expect(await readdir(dir)).toEqual(["k.json"]);
    expect(await heldOnDir()).toBe(0);
    await writing;
    await store.close(); // the server and the gateway's shutdown both close it
  });
});

describe("FileStore as a Store", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "ferry-store-contract-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  describeStoreContract("file", () => FileStore.open(dir));
});
