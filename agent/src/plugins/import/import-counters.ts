import { create } from "@bufbuild/protobuf";
import { type ImportCounters, ImportCountersSchema, RejectReason } from "@ferry/api";

/**
 * An import's running totals. Invariant once every push is answered:
 * samplesRead = samplesWritten + samplesRejected, with rejections counted by reason.
 */
export class Counters {
  samplesRead = 0;
  samplesWritten = 0;
  bytesRead = 0;
  bytesWritten = 0;
  windowsDone = 0;
  windowsTotal = 0;
  readonly rejected = new Map<RejectReason, number>();

  static from(proto: ImportCounters | undefined): Counters {
    const c = new Counters();
    if (!proto) return c;
    c.samplesRead = Number(proto.samplesRead);
    c.samplesWritten = Number(proto.samplesWritten);
    c.bytesRead = Number(proto.bytesRead);
    c.bytesWritten = Number(proto.bytesWritten);
    c.windowsDone = Number(proto.windowsDone);
    for (const r of proto.rejected) c.rejected.set(r.reason, Number(r.samples));
    return c;
  }

  get samplesRejected(): number {
    let total = 0;
    for (const n of this.rejected.values()) total += n;
    return total;
  }

  reject(reason: RejectReason, samples: number): void {
    this.rejected.set(reason, (this.rejected.get(reason) ?? 0) + samples);
  }

  toProto(): ImportCounters {
    return create(ImportCountersSchema, {
      samplesRead: BigInt(this.samplesRead),
      samplesWritten: BigInt(this.samplesWritten),
      samplesRejected: BigInt(this.samplesRejected),
      rejected: [...this.rejected.entries()]
        .sort(([a], [b]) => a - b)
        .map(([reason, samples]) => ({ reason, samples: BigInt(samples) })),
      bytesRead: BigInt(this.bytesRead),
      bytesWritten: BigInt(this.bytesWritten),
      windowsDone: BigInt(this.windowsDone),
      windowsTotal: BigInt(this.windowsTotal),
    });
  }
}

export { RejectReason };
