import { create } from "@bufbuild/protobuf";
import { type SourceAuth, SourceAuthSchema } from "@ferry/api";
import type { Command } from "commander";
import { UsageError } from "../errors";
import { collect } from "../flag-values";

/** The source-credential flags of `targets add` and `targets edit`. */
export interface AuthFlags {
  basicUser?: string;
  basicPasswordFile?: string;
  bearerTokenFile?: string;
  header: string[];
  caFile?: string;
  insecureSkipVerify?: boolean;
}

export function addAuthOptions(command: Command): Command {
  return command
    .option("--basic-user <name>", "basic auth user name for the source")
    .option("--basic-password-file <path>", "file on the agent holding the basic auth password")
    .option(
      "--bearer-token-file <path>",
      "file on the agent holding a bearer token (read again when it changes)",
    )
    .option(
      "--header <name=value>",
      "extra request header, e.g. X-Scope-OrgID=team-a; repeat for more",
      collect,
      [],
    )
    .option("--ca-file <path>", "file on the agent holding the PEM CA that signed the source's certificate")
    .option("--insecure-skip-verify", "accept any certificate of an https source (testing only)");
}

export function hasAuthFlags(flags: AuthFlags): boolean {
  return (
    flags.basicUser !== undefined ||
    flags.basicPasswordFile !== undefined ||
    flags.bearerTokenFile !== undefined ||
    flags.header.length > 0 ||
    flags.caFile !== undefined ||
    flags.insecureSkipVerify !== undefined
  );
}

/**
 * The flags applied on top of `base` (a target's current auth on an edit; header values there
 * are "<redacted>", which the gateway reads as "keep the stored value"). Choosing bearer drops
 * basic auth and the other way round; on an edit, `--header name=` removes a header.
 */
export function applyAuthFlags(flags: AuthFlags, base?: SourceAuth): SourceAuth {
  const auth = create(SourceAuthSchema, base ? { ...base, headers: { ...base.headers } } : {});
  if (flags.bearerTokenFile !== undefined) {
    auth.bearerTokenFile = flags.bearerTokenFile;
    auth.basicUsername = "";
    auth.basicPasswordFile = "";
  }
  if (flags.basicUser !== undefined || flags.basicPasswordFile !== undefined) {
    if (flags.bearerTokenFile !== undefined) {
      throw new UsageError("--bearer-token-file cannot be combined with --basic-user/--basic-password-file");
    }
    if (flags.basicUser !== undefined) auth.basicUsername = flags.basicUser;
    if (flags.basicPasswordFile !== undefined) auth.basicPasswordFile = flags.basicPasswordFile;
    auth.bearerTokenFile = "";
  }
  for (const text of flags.header) {
    const eq = text.indexOf("=");
    if (eq <= 0) throw new UsageError(`invalid --header ${JSON.stringify(text)}: expected name=value`);
    const name = text.slice(0, eq);
    const value = text.slice(eq + 1);
    for (const existing of Object.keys(auth.headers)) {
      if (existing.toLowerCase() === name.toLowerCase()) delete auth.headers[existing];
    }
    if (value !== "") auth.headers[name] = value;
    else if (!base) throw new UsageError(`invalid --header ${JSON.stringify(text)}: needs a value`);
  }
  if (flags.caFile !== undefined) auth.caFile = flags.caFile;
  if (flags.insecureSkipVerify !== undefined) auth.insecureSkipVerify = flags.insecureSkipVerify;
  return auth;
}
