import type { Command } from "commander";
import type { CliDeps } from "../cli-deps";
import { registerImportStart } from "./import-start";
import { registerImportStatus } from "./import-status";
import { registerImportStop } from "./import-stop";
import { registerImportVerify } from "./import-verify";
import { registerImportWatch } from "./import-watch";

export function registerImport(program: Command, deps: CliDeps): void {
  const imports = program.command("import").description("start, stop, watch and verify imports of history");
  registerImportStart(imports, deps);
  registerImportStop(imports, deps);
  registerImportStatus(imports, deps);
  registerImportWatch(imports, deps);
  registerImportVerify(imports, deps);
}
