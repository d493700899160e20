/** What was being read when the Kubernetes API refused or failed. */
export interface KubeRequest {
  /** "prometheuses" or "services". */
  resource: string;
  /** Undefined for a cluster-wide list. */
  namespace: string | undefined;
}

/**
 * A failed Kubernetes API call. `status` is the HTTP status (0 when no answer came: network
 * error, TLS failure, aborted), `reason` the Status object's reason (NotFound, Forbidden, ...).
 */
export class KubeApiError extends Error {
  override readonly name = "KubeApiError";
  readonly code = "kube_api_error";
  constructor(
    readonly request: KubeRequest,
    readonly status: number,
    readonly reason: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
