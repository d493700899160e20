import { Code, ConnectError } from "@connectrpc/connect";
import { KubeApiError, type KubeRequest } from "./kube-api-error";

/**
 * The one place where a failed discovery becomes the ConnectError the gateway reports for this
 * cluster. `timeoutMs` is set when discovery's own deadline cut the calls short.
 */
export function discoveryError(error: unknown, timedOutAfterMs: number | undefined): ConnectError {
  if (error instanceof ConnectError) return error;
  if (timedOutAfterMs !== undefined) {
    return new ConnectError(
      `the Kubernetes API did not answer within ${timedOutAfterMs} ms`,
      Code.DeadlineExceeded,
      undefined,
      undefined,
      error,
    );
  }
  if (!(error instanceof KubeApiError)) return ConnectError.from(error, Code.Internal);
  const { request, status } = error;
  const detail = error.message ? `: ${error.message}` : "";
  if (status === 404 && request.resource.startsWith("prometheuses.")) {
    return new ConnectError(
      "monitoring.coreos.com/v1 Prometheus CRD not installed (the API server does not know prometheuses.monitoring.coreos.com)",
      Code.NotFound,
    );
  }
  if (status === 403) {
    return new ConnectError(
      `forbidden to list ${request.resource} ${scope(request)}${detail}`,
      Code.PermissionDenied,
    );
  }
  if (status === 401) {
    return new ConnectError(
      `the Kubernetes API refused the agent's credentials${detail}`,
      Code.Unauthenticated,
    );
  }
  if (status === 0 && error.reason === "Aborted")
    return new ConnectError("discovery cancelled", Code.Canceled);
  if (status === 0 || status === 429 || status >= 500) {
    return new ConnectError(
      `listing ${request.resource} ${scope(request)} failed${detail}`,
      Code.Unavailable,
    );
  }
  return new ConnectError(
    `listing ${request.resource} ${scope(request)} failed with HTTP ${status}${detail}`,
    Code.Internal,
  );
}

export function scope(request: KubeRequest): string {
  return request.namespace === undefined ? "at cluster scope" : `in namespace "${request.namespace}"`;
}
