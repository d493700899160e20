/** The agent link's connectivity, as grpc-js names channel states. */
export enum LinkState {
  Idle = "idle",
  Connecting = "connecting",
  Ready = "ready",
  TransientFailure = "transient_failure",
  Shutdown = "shutdown",
}
