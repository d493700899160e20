import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { type SourceAuth, SourceAuthSchema } from "@ferry/api";
import { REDACTED } from "./source-auth-redaction";

/** Most extra headers a target may carry. */
export const MAX_SOURCE_HEADERS = 32;
const MAX_PATH_LENGTH = 4096;
const MAX_USERNAME_LENGTH = 256;
const MAX_HEADER_VALUE_LENGTH = 8192;

/** RFC 9110 token: what a header name may be made of. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Visible ASCII, space and tab. */
const PRINTABLE = /^[\t\x20-\x7e]*$/;

/**
 * Headers the agent sets itself (the request's framing and the remote-read protocol), and
 * Authorization, which comes from basic_* or bearer_token_file so that its secret stays in a file.
 */
const RESERVED_HEADERS = new Map([
  ["host", "set from the endpoint"],
  ["content-length", "set by the agent"],
  ["content-encoding", "set by the agent (snappy)"],
  ["content-type", "set by the agent"],
  ["transfer-encoding", "set by the agent"],
  ["connection", "set by the agent"],
  ["x-prometheus-remote-read-version", "set by the agent"],
  ["authorization", "use basic_username/basic_password_file or bearer_token_file"],
]);

function invalid(field: string, problem: string): ConnectError {
  return new ConnectError(`${field}: ${problem}`, Code.InvalidArgument);
}

/** `value` quoted for a message, cut short so a huge input does not make a huge error. */
function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

function requireAbsolutePath(field: string, value: string): string {
  if (value === "") return value;
  if (value.length > MAX_PATH_LENGTH) throw invalid(field, `longer than ${MAX_PATH_LENGTH} characters`);
  if (!PRINTABLE.test(value)) throw invalid(field, "must not contain control characters");
  if (!value.startsWith("/")) {
    throw invalid(
      field,
      `${quote(value)} is not an absolute path (a file on the agent, e.g. /etc/secrets/token)`,
    );
  }
  return value;
}

/**
 * A target's source credentials from AddTarget or EditTarget, checked field by field (each error
 * names its field, e.g. `auth.headers["X Bad"]`). Returns undefined when nothing is set, so a
 * target without credentials stores none. `stored` is the target's current auth on an edit: a
 * header whose value is "<redacted>" (as answers show it) keeps the stored value.
 */
export function requireSourceAuth(
  auth: SourceAuth | undefined,
  stored?: SourceAuth,
  field = "auth",
): SourceAuth | undefined {
  if (!auth) return undefined;
  const username = auth.basicUsername;
  if (username.length > MAX_USERNAME_LENGTH) {
    throw invalid(`${field}.basic_username`, `longer than ${MAX_USERNAME_LENGTH} characters`);
  }
  if (!PRINTABLE.test(username)) throw invalid(`${field}.basic_username`, "must be printable");
  if (username.includes(":")) throw invalid(`${field}.basic_username`, "must not contain ':'");
  const passwordFile = requireAbsolutePath(`${field}.basic_password_file`, auth.basicPasswordFile);
  const tokenFile = requireAbsolutePath(`${field}.bearer_token_file`, auth.bearerTokenFile);
  const caFile = requireAbsolutePath(`${field}.ca_file`, auth.caFile);
  if (passwordFile && !username) {
    throw invalid(`${field}.basic_username`, "is required with basic_password_file");
  }
  if (tokenFile && (username || passwordFile)) {
    throw invalid(`${field}.bearer_token_file`, "cannot be combined with basic auth; choose one");
  }
  const headers = requireHeaders(`${field}.headers`, auth.headers, stored?.headers ?? {});
  const normalized = create(SourceAuthSchema, {
    basicUsername: username,
    basicPasswordFile: passwordFile,
    bearerTokenFile: tokenFile,
    headers,
    caFile,
    insecureSkipVerify: auth.insecureSkipVerify,
  });
  const empty =
    !username &&
    !passwordFile &&
    !tokenFile &&
    !caFile &&
    !auth.insecureSkipVerify &&
    !Object.keys(headers).length;
  return empty ? undefined : normalized;
}

function requireHeaders(
  field: string,
  headers: Readonly<Record<string, string>>,
  stored: Readonly<Record<string, string>>,
): Record<string, string> {
  const entries = Object.entries(headers);
  if (entries.length > MAX_SOURCE_HEADERS) {
    throw invalid(field, `${entries.length} headers, at most ${MAX_SOURCE_HEADERS} are allowed`);
  }
  const seen = new Set<string>();
  const result: Record<string, string> = {};
  for (const [name, value] of entries) {
    const at = `${field}[${quote(name)}]`;
    if (!TOKEN.test(name))
      throw invalid(at, "is not a valid header name (letters, digits and !#$%&'*+-.^_`|~)");
    const lower = name.toLowerCase();
    const reserved = RESERVED_HEADERS.get(lower);
    if (reserved) throw invalid(at, `may not be set (${reserved})`);
    if (seen.has(lower)) throw invalid(at, "is given twice (header names ignore case)");
    seen.add(lower);
    let actual = value;
    if (value === REDACTED) {
      const kept = Object.entries(stored).find(([n]) => n.toLowerCase() === lower)?.[1];
      if (kept === undefined) throw invalid(at, `${REDACTED} keeps a stored value, and there is none`);
      actual = kept;
    }
    if (actual === "") throw invalid(at, "needs a value");
    if (actual.length > MAX_HEADER_VALUE_LENGTH) {
      throw invalid(at, `the value is longer than ${MAX_HEADER_VALUE_LENGTH} characters`);
    }
    // The value itself never goes into a message: it may be a secret.
    if (!PRINTABLE.test(actual)) throw invalid(at, "the value must be printable ASCII (no line breaks)");
    result[name] = actual;
  }
  return result;
}
