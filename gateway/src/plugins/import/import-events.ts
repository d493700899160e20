import { EventEmitter } from "node:events";
import type { Import } from "@ferry/api";

/** Every change of an import, for WatchImports streams. */
export class ImportEvents extends EventEmitter<{ changed: [Import] }> {
  constructor() {
    super();
    // One listener per open watch stream.
    this.setMaxListeners(0);
  }

  publish(record: Import): void {
    this.emit("changed", record);
  }
}
