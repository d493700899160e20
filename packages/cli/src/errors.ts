import { Code, ConnectError } from "@connectrpc/connect";

export const EXIT_OK = 0;
/** The server refused or failed, or an import ended other than Completed. */
export const EXIT_FAILURE = 1;
/** The command line is wrong: unknown flag, bad value, missing argument. */
export const EXIT_USAGE = 2;
/** Stopped by SIGINT/SIGTERM while waiting on the server. */
export const EXIT_INTERRUPTED = 130;

/** A bad command line; printed as `ferry: <message>` with exit status 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The command ran and printed what happened, but must end with a non-zero status. */
export class CommandFailedError extends Error {
  override readonly name = "CommandFailedError";
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
  ) {
    super(message);
  }
}

/** "not_found" for Code.NotFound: the gRPC/Connect spelling users see in docs and logs. */
export function codeName(code: Code): string {
  const name = Code[code] ?? `code_${code}`;
  return name.replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();
}

/** The line printed for an error from the server: `<code>: <message>`, with a hint when unreachable or untrusted. */
export function describeConnectError(err: ConnectError, serverUrl: string): string {
  const text = `${codeName(err.code)}: ${err.rawMessage}`;
  if (
    /self[- ]signed certificate|unable to verify the first certificate|unable to get local issuer certificate/i.test(
      err.rawMessage,
    ) &&
    serverUrl.startsWith("https:")
  ) {
    return `${text} (pass --gateway-ca-pin with the fingerprint the gateway printed at start, or --gateway-ca FILE)`;
  }
  if (err.code === Code.Unavailable) {
    return `${text} (is the gateway running at ${serverUrl}? set --server or FERRY_SERVER)`;
  }
  return text;
}

export function isConnectError(err: unknown): err is ConnectError {
  return err instanceof ConnectError;
}
