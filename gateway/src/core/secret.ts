import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Secrets of the access layer (admin token, bootstrap tokens, agent credentials): 256 random
 * bits, base64url. The gateway keeps only their SHA-256, so its store never holds anything
 * that would let a reader of it connect; a high-entropy secret needs no slow hash.
 */
export function newSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** A short public id, e.g. of a bootstrap token: 64 random bits, hex. */
export function newPublicId(): string {
  return randomBytes(8).toString("hex");
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** Whether `secret` hashes to `expectedHash`, compared in constant time. */
export function secretMatches(secret: string, expectedHash: string): boolean {
  const actual = Buffer.from(hashSecret(secret), "hex");
  const expected = Buffer.from(expectedHash, "hex");
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * Splits "<id>.<secret>" (bootstrap tokens and agent credentials): the id finds the record,
 * the secret is checked against its hash. Undefined when the shape is wrong.
 */
export function splitIdSecret(value: string): { id: string; secret: string } | undefined {
  const match = /^([0-9a-f]{16})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!match) return undefined;
  return { id: match[1] as string, secret: match[2] as string };
}

/** The value of an `authorization: Bearer <value>` header, or undefined. */
export function bearerToken(header: string | null): string | undefined {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? "");
  return match?.[1];
}
