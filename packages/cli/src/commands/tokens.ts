import {
  type BootstrapToken,
  CreateBootstrapTokenResponseSchema,
  ListBootstrapTokensResponseSchema,
  RevokeBootstrapTokenResponseSchema,
} from "@ferry/api";
import type { Command } from "commander";
import type { CliDeps } from "../cli-deps";
import { managementAction } from "../command-context";
import { parseDuration } from "../duration";
import { UsageError } from "../errors";
import { jsonDocument } from "../output/json";
import { formatTable } from "../output/table";
import { formatTimestamp, optionalMs } from "../output/values";

interface CreateFlags {
  ttl?: string;
  cluster?: string;
}

/** `ferry tokens create|list|rm`: bootstrap tokens, which new agents trade for their credential. */
export function registerTokens(program: Command, deps: CliDeps): void {
  const tokens = program
    .command("tokens")
    .description("bootstrap tokens: what a new agent enrolls with (ferry agent --bootstrap-token)");

  tokens
    .command("create")
    .description("make a bootstrap token; it is shown once")
    .option("--ttl <duration>", "how long it can be used, e.g. 30m, 1h, 7d (default 1h)")
    .option("--cluster <id>", "only an agent of this cluster may enroll with it")
    .action(
      managementAction<CreateFlags>(deps, async (ctx, flags) => {
        const ttlMs = flags.ttl === undefined ? 0 : ttlFrom(flags.ttl);
        const response = await ctx.admin.createBootstrapToken(
          { ttlMs: BigInt(ttlMs), clusterId: flags.cluster ?? "" },
          ctx.call,
        );
        if (ctx.output === "json")
          return ctx.print(jsonDocument(CreateBootstrapTokenResponseSchema, response));
        const token = response.token;
        const scope = token?.clusterId ? `cluster ${token.clusterId}` : "any cluster";
        ctx.print(
          `bootstrap token ${token?.id ?? "?"} for ${scope}, until ${formatTimestamp(token?.expiresAt)}:\n` +
            `${response.secret}\n`,
        );
      }),
    );

  tokens
    .command("list")
    .alias("ls")
    .description("list bootstrap tokens (their ids; secrets are never shown again)")
    .action(
      managementAction<Record<string, never>>(deps, async (ctx) => {
        const response = await ctx.admin.listBootstrapTokens({}, ctx.call);
        if (ctx.output === "json")
          return ctx.print(jsonDocument(ListBootstrapTokensResponseSchema, response));
        const now = ctx.deps.now();
        ctx.print(
          formatTable(
            ["ID", "CLUSTER", "CREATED", "EXPIRES", "STATE", "USES"],
            response.tokens.map((t) => [
              t.id,
              t.clusterId === "" ? "*" : t.clusterId,
              formatTimestamp(t.createdAt),
              formatTimestamp(t.expiresAt),
              stateOf(t, now),
              String(t.uses),
            ]),
          ),
        );
      }),
    );

  tokens
    .command("rm")
    .alias("revoke")
    .argument("<id>", "the token's id (ferry tokens list)")
    .description("revoke a bootstrap token; agents already enrolled keep their credential")
    .action(
      managementAction<Record<string, never>>(deps, async (ctx, _flags, args) => {
        const id = args[0] ?? "";
        const response = await ctx.admin.revokeBootstrapToken({ id }, ctx.call);
        if (ctx.output === "json")
          return ctx.print(jsonDocument(RevokeBootstrapTokenResponseSchema, response));
        ctx.print(`revoked bootstrap token ${id}\n`);
      }),
    );
}

function ttlFrom(text: string): number {
  try {
    return parseDuration(text);
  } catch (error) {
    throw new UsageError(`invalid --ttl: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function stateOf(token: BootstrapToken, nowMs: number): string {
  const expiresMs = optionalMs(token.expiresAt);
  return expiresMs !== undefined && expiresMs <= nowMs ? "expired" : "valid";
}
