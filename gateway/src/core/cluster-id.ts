const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Cortex and Mimir refuse tenant ids longer than this; the CLI checks the same before dialing. */
export const MAX_CLUSTER_ID_LENGTH = 150;

/**
 * A cluster id names a tenant in the sink, so it must be safe as an HTTP header value and
 * a path segment: a DNS-1123 subdomain (lower-case letters, digits, '-' and '.') no longer
 * than a Cortex tenant id may be. Returns what is wrong, or undefined.
 */
export function validateClusterId(id: string): string | undefined {
  if (id.length === 0) return "must not be empty";
  if (id.length > MAX_CLUSTER_ID_LENGTH) {
    return `${id.length} characters, at most ${MAX_CLUSTER_ID_LENGTH} (it becomes the sink's tenant id)`;
  }
  if (!DNS1123_SUBDOMAIN.test(id)) {
    return `${JSON.stringify(id)} is not a DNS-1123 subdomain (lower-case letters, digits, '-' and '.')`;
  }
  return undefined;
}
