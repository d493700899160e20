import { create } from "@bufbuild/protobuf";
import { type Import, WatchImportsResponseSchema } from "@ferry/api";
import type { OutputStream } from "../cli-deps";
import type { ImportView } from "./import-view";
import { jsonLine } from "./json";

/** Every update as one WatchImportsResponse JSON object per line. */
export class JsonImportView implements ImportView {
  constructor(private readonly out: OutputStream) {}

  update(imp: Import): void {
    this.out.write(jsonLine(WatchImportsResponseSchema, create(WatchImportsResponseSchema, { import: imp })));
  }

  close(): void {}
}
