import { SinkPassThrough } from "./sink-pass-through";

/**
 * A pass-through in front of a sink that remembers which tenant each remote-write request
 * carried, so a test can prove the gateway set the header from the agent's identity.
 */
export class TenantRecorder extends SinkPassThrough {
  readonly tenants = new Map<string, number>();
  /** Holds every request this long before passing it on: a slow sink. */
  delayMs = 0;

  constructor(upstream: string, header = "x-scope-orgid") {
    super(
      upstream,
      (headers) => {
        const tenant = String(headers[header] ?? "");
        this.tenants.set(tenant, (this.tenants.get(tenant) ?? 0) + 1);
      },
      () => this.delayMs,
    );
  }
}
