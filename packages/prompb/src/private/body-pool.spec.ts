import { releaseBatchBody } from "../write-batch";
import { BatchBuilder } from "./batch-builder";
import { acquireBodyBuffer, pooledBodyBuffers, releaseBodyBuffer } from "./body-pool";

/** One batch of `samples` samples of one series, its labels `name`. */
function oneBatch(builder: BatchBuilder, name: string, samples: number) {
  const labels = new TextEncoder().encode(name);
  builder.beginPart(labels, labels.length, false);
  for (let i = 0; i < samples; i++) builder.appendSample(1_700_000_000_000 + i * 15_000, 0x3ff00000, i);
  builder.flush();
  const [batch] = builder.take();
  if (!batch) throw new Error("no batch");
  return batch;
}

describe("body pool", () => {
  it("lends a released buffer again, and only once per release", () => {
    const a = acquireBodyBuffer(4096);
    const before = pooledBodyBuffers();
    releaseBodyBuffer(a.subarray(0, 10));
    releaseBodyBuffer(a.subarray(0, 10));
    expect(pooledBodyBuffers()).toBe(before + 1);
    const b = acquireBodyBuffer(4096);
    expect(b.buffer).toBe(a.buffer);
    expect(pooledBodyBuffers()).toBe(before);
    const c = acquireBodyBuffer(4096);
    expect(c.buffer).not.toBe(a.buffer);
  });

  it("ignores buffers it did not lend", () => {
    const before = pooledBodyBuffers();
    releaseBodyBuffer(new Uint8Array(8192));
    expect(pooledBodyBuffers()).toBe(before);
  });

  it("never lends a buffer smaller than asked for", () => {
    const small = acquireBodyBuffer(16);
    releaseBodyBuffer(small);
    expect(acquireBodyBuffer(1 << 16).length).toBeGreaterThanOrEqual(1 << 16);
  });
});

describe("BatchBuilder bodies", () => {
  it("are not copies, and a kept body is never written over", () => {
    const builder = new BatchBuilder({ maxSamples: 1_000_000, maxBytes: 1 << 22 });
    const kept = oneBatch(builder, "kept", 5000);
    const snapshot = kept.body.slice();
    for (let i = 0; i < 10; i++) {
      const batch = oneBatch(builder, `released-${i}`, 5000 + i);
      expect(batch.body.buffer).not.toBe(kept.body.buffer);
      releaseBatchBody(batch);
    }
    expect(kept.body).toEqual(snapshot);
  });

  it("go on in a released body's buffer, taken only when written to again", () => {
    const builder = new BatchBuilder({ maxSamples: 1_000_000, maxBytes: 1 << 22 });
    const first = oneBatch(builder, "first", 5000);
    releaseBatchBody(first);
    const pooled = pooledBodyBuffers();
    const second = oneBatch(builder, "second", 5000);
    expect(second.body.buffer).toBe(first.body.buffer);
    expect(pooledBodyBuffers()).toBe(pooled - 1);
    releaseBatchBody(second);
    expect(pooledBodyBuffers()).toBe(pooled);
  });
});
