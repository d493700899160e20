import type { Command } from "commander";
import type { CliDeps } from "../cli-deps";
import { registerTargetsAdd } from "./targets-add";
import { registerTargetsEdit } from "./targets-edit";
import { registerTargetsGet } from "./targets-get";
import { registerTargetsList } from "./targets-list";
import { registerTargetsRm } from "./targets-rm";

export function registerTargets(program: Command, deps: CliDeps): void {
  const targets = program
    .command("targets")
    .description("manage the Prometheus servers history is imported from");
  registerTargetsAdd(targets, deps);
  registerTargetsList(targets, deps);
  registerTargetsGet(targets, deps);
  registerTargetsEdit(targets, deps);
  registerTargetsRm(targets, deps);
}
