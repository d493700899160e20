import type { Store } from "./store";

/**
 * The behaviour every Store backend must show; run by each backend's spec against a real
 * instance (a directory, a real etcd). `open` returns a store over the same data each time.
 */
export function describeStoreContract(name: string, open: () => Promise<Store>): void {
  describe(`${name} store contract`, () => {
    it("reads back what it wrote, also after reopening", async () => {
      const store = await open();
      await store.put("targets/c1/a", '{"a":1}');
      expect(await store.get("targets/c1/a")).toBe('{"a":1}');
      await store.close();
      const again = await open();
      expect(await again.get("targets/c1/a")).toBe('{"a":1}');
      await again.close();
    });

    it("answers undefined for a missing key and says whether a delete found something", async () => {
      const store = await open();
      expect(await store.get("nope/nothing")).toBeUndefined();
      await store.put("gone/x", "1");
      expect(await store.delete("gone/x")).toBe(true);
      expect(await store.delete("gone/x")).toBe(false);
      expect(await store.get("gone/x")).toBeUndefined();
      await store.close();
    });

    it("lists by prefix in key order, without the neighbours", async () => {
      const store = await open();
      await store.put("list/b", "2");
      await store.put("list/a", "1");
      await store.put("list/c/deep", "3");
      await store.put("listing/other", "x");
      expect(await store.list("list/")).toEqual([
        { key: "list/a", value: "1" },
        { key: "list/b", value: "2" },
        { key: "list/c/deep", value: "3" },
      ]);
      await store.close();
    });

    it("keeps the last of several writes to one key", async () => {
      const store = await open();
      for (let i = 0; i < 5; i++) await store.put("overwrite/k", String(i));
      expect(await store.get("overwrite/k")).toBe("4");
      expect(await store.list("overwrite/")).toEqual([{ key: "overwrite/k", value: "4" }]);
      await store.close();
    });

    it("stores keys with characters a path would not like", async () => {
      const store = await open();
      const key = "imports/prod.eu-1/target with space%2F";
      await store.put(key, "ok");
      expect(await store.get(key)).toBe("ok");
      expect((await store.list("imports/prod.eu-1/")).map((e) => e.key)).toEqual([key]);
      await store.close();
    });
  });
}
