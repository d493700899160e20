import { create } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { type GatewayMessage, GatewayMessageSchema, type Reply } from "@ferry/api";
import { AsyncQueue } from "@ferry/async-queue";

interface PendingCall {
  resolve(body: Any): void;
  reject(error: ConnectError): void;
  timer: NodeJS.Timeout;
  onAbort?: () => void;
  signal?: AbortSignal;
}

export interface CallOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * One connected agent: the outgoing side of its Connect stream and the calls awaiting
 * a reply. A gateway→agent call is a Command with a fresh id; the agent answers with a
 * Reply carrying the same id.
 */
export class AgentSession {
  readonly outbox = new AsyncQueue<GatewayMessage>();
  readonly connectedAt = new Date();
  lastSeenMs = Date.now();
  private nextId = 1n;
  private readonly pending = new Map<bigint, PendingCall>();
  private closeReason: string | undefined;

  constructor(
    readonly id: string,
    readonly clusterId: string,
    readonly agentVersion: string,
  ) {}

  get isOpen(): boolean {
    return this.closeReason === undefined;
  }

  send(message: GatewayMessage): void {
    if (!this.isOpen) throw new ConnectError(`agent session closed: ${this.closeReason}`, Code.Unavailable);
    this.outbox.push(message);
  }

  call(body: Any, options: CallOptions): Promise<Any> {
    const id = this.nextId++;
    return new Promise<Any>((resolve, reject) => {
      if (options.signal?.aborted) {
        reject(new ConnectError("call canceled", Code.Canceled));
        return;
      }
      const timer = setTimeout(() => {
        this.settle(id)?.reject(
          new ConnectError(
            `cluster ${this.clusterId}: agent did not answer within ${options.timeoutMs} ms`,
            Code.DeadlineExceeded,
          ),
        );
      }, options.timeoutMs);
      const entry: PendingCall = { resolve, reject, timer };
      if (options.signal) {
        entry.signal = options.signal;
        entry.onAbort = () => this.settle(id)?.reject(new ConnectError("call canceled", Code.Canceled));
        options.signal.addEventListener("abort", entry.onAbort, { once: true });
      }
      this.pending.set(id, entry);
      try {
        this.send(create(GatewayMessageSchema, { kind: { case: "command", value: { id, body } } }));
      } catch (error) {
        this.settle(id);
        reject(error);
      }
    });
  }

  handleReply(reply: Reply): void {
    const entry = this.settle(reply.commandId);
    if (!entry) return; // timed out or canceled already
    if (reply.error) {
      const code = codeFromName(reply.error.code);
      entry.reject(new ConnectError(`cluster ${this.clusterId}: ${reply.error.message}`, code));
      return;
    }
    if (!reply.body) {
      entry.reject(new ConnectError(`cluster ${this.clusterId}: reply without body`, Code.Internal));
      return;
    }
    entry.resolve(reply.body);
  }

  close(reason: string): void {
    if (!this.isOpen) return;
    this.closeReason = reason;
    for (const id of [...this.pending.keys()]) {
      this.settle(id)?.reject(
        new ConnectError(`cluster ${this.clusterId}: agent disconnected (${reason})`, Code.Unavailable),
      );
    }
    this.outbox.close();
  }

  private settle(id: bigint): PendingCall | undefined {
    const entry = this.pending.get(id);
    if (!entry) return undefined;
    this.pending.delete(id);
    clearTimeout(entry.timer);
    if (entry.onAbort) entry.signal?.removeEventListener("abort", entry.onAbort);
    return entry;
  }
}

function codeFromName(name: string): Code {
  const key = name
    .split("_")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("") as keyof typeof Code;
  const code = Code[key];
  return typeof code === "number" ? code : Code.Unknown;
}
