export { type GatewayTrust, GatewayTrustError, gatewayDialOptions, parseFingerprint } from "./gateway-trust";
