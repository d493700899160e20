import { AsyncQueue, QueueClosedError } from "./async-queue";

async function drain<T>(q: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of q) out.push(item);
  return out;
}

describe("AsyncQueue", () => {
  it("delivers buffered and later items in order, then ends on close", async () => {
    const q = new AsyncQueue<number>();
    q.push(1);
    q.push(2);
    const done = drain(q);
    await Promise.resolve();
    q.push(3);
    q.close();
    await expect(done).resolves.toEqual([1, 2, 3]);
  });

  it("rejects the pending consumer when failed", async () => {
    const q = new AsyncQueue<number>();
    const done = drain(q);
    q.fail(new Error("boom"));
    await expect(done).rejects.toThrow("boom");
  });

  it("refuses pushes after close", () => {
    const q = new AsyncQueue<number>();
    q.close();
    expect(() => q.push(1)).toThrow(QueueClosedError);
  });

  it("closes when the consumer stops early", async () => {
    const q = new AsyncQueue<number>();
    q.push(1);
    for await (const _ of q) break;
    expect(q.isClosed).toBe(true);
  });
});
