import { randomUUID } from "node:crypto";
import type { Campaign, Etcd3 } from "etcd3";
import type { Logger } from "pino";

/**
 * Leadership of the gateways sharing one etcd: the leader holds a lease (TTL in seconds) and
 * serves; the others wait in the election and one of them takes over once the leader's lease
 * expires, which bounds failover by the TTL.
 */
export class Leadership {
  private lostHandlers: Array<(error: Error) => void> = [];

  private constructor(
    private readonly campaign: Campaign,
    readonly id: string,
  ) {
    campaign.on("error", (error: Error) => {
      for (const handler of this.lostHandlers) handler(error);
    });
  }

  /** Resolves once this gateway is the leader. */
  static async acquire(client: Etcd3, name: string, ttlSeconds: number, logger: Logger): Promise<Leadership> {
    const id = randomUUID();
    const campaign = client.election(name, ttlSeconds).campaign(id);
    const leadership = new Leadership(campaign, id);
    let elected = false;
    const waiting = setTimeout(() => {
      if (!elected) logger.info({ election: name }, "standby: another gateway leads; waiting to take over");
    }, 1000);
    try {
      await campaign.wait();
      elected = true;
    } finally {
      clearTimeout(waiting);
    }
    logger.info({ election: name, id }, "elected leader");
    return leadership;
  }

  /** Called when the lease is lost: another gateway may lead now, so this one must stop serving. */
  onLost(handler: (error: Error) => void): void {
    this.lostHandlers.push(handler);
  }

  async resign(): Promise<void> {
    this.lostHandlers = [];
    await this.campaign.resign().catch(() => undefined);
  }
}
