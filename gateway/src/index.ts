// Public face of the gateway: options, the server factory and the process runner.
export type { GatewayOptions, GatewayTlsOptions, RunningGateway } from "./gateway-options";
export { startGateway } from "./start-gateway";
