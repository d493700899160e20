import { listAllPages } from "./list-pages";

describe("listAllPages", () => {
  const signal = new AbortController().signal;

  it("follows continue tokens until a page has none", async () => {
    const pages: Record<string, { items: number[]; continueToken: string | undefined }> = {
      "": { items: [1, 2], continueToken: "a" },
      a: { items: [3, 4], continueToken: "b" },
      b: { items: [5], continueToken: "" },
    };
    const asked: Array<string | undefined> = [];
    const items = await listAllPages(async (token) => {
      asked.push(token);
      const page = pages[token ?? ""];
      if (!page) throw new Error(`unexpected token ${token}`);
      return page;
    }, signal);
    expect(items).toEqual([1, 2, 3, 4, 5]);
    expect(asked).toEqual([undefined, "a", "b"]);
  });

  it("stops on a server that repeats its token", async () => {
    await expect(listAllPages(async () => ({ items: [1], continueToken: "same" }), signal)).rejects.toThrow(
      /repeated continue token same/,
    );
  });

  it("stops when aborted between pages", async () => {
    const abort = new AbortController();
    const pages = listAllPages(async () => {
      abort.abort(new Error("stop"));
      return { items: [1], continueToken: "next" };
    }, abort.signal);
    await expect(pages).rejects.toThrow("stop");
  });
});
