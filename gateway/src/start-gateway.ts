import type { GatewayOptions, RunningGateway } from "./gateway-options";

export async function startGateway(_options: GatewayOptions): Promise<RunningGateway> {
  throw new Error("not yet built");
}
