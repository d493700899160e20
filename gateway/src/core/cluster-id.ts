const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * A cluster id names a tenant in the sink, so it must be safe as an HTTP header value and
 * a path segment: a DNS-1123 subdomain (lower-case letters, digits, '-' and '.'), ≤ 253.
 * Returns what is wrong, or undefined.
 */
export function validateClusterId(id: string): string | undefined {
  if (id.length === 0) return "must not be empty";
  if (id.length > 253) return "must be at most 253 characters";
  if (!DNS1123_SUBDOMAIN.test(id)) {
    return `"${id}" is not a DNS-1123 subdomain (lower-case letters, digits, '-' and '.')`;
  }
  return undefined;
}
