import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { ListClustersResponseSchema, WatchImportsResponseSchema } from "@ferry/api";
import { importFixture } from "../testing/fixtures";
import { jsonDocument, jsonLine } from "./json";

describe("JSON output", () => {
  it("uses the proto's JSON names and emits zero values", () => {
    const doc = jsonDocument(
      ListClustersResponseSchema,
      create(ListClustersResponseSchema, {
        clusters: [
          { id: "prod", connected: false, connectedSince: timestampFromMs(0), agentVersion: "", targets: 2 },
        ],
      }),
    );
    expect(JSON.parse(doc)).toEqual({
      clusters: [
        {
          id: "prod",
          connected: false,
          connectedSince: "1970-01-01T00:00:00Z",
          agentVersion: "",
          targets: 2,
        },
      ],
    });
    expect(doc.endsWith("}\n")).toBe(true);
  });

  it("writes one compact line per stream message", () => {
    const line = jsonLine(
      WatchImportsResponseSchema,
      create(WatchImportsResponseSchema, { import: importFixture() }),
    );
    expect(line.split("\n")).toHaveLength(2);
    const parsed = JSON.parse(line);
    expect(parsed.import.clusterId).toBe("prod");
    expect(parsed.import.state).toBe("IMPORT_STATE_RUNNING");
    expect(parsed.import.counters.samplesWritten).toBe("999000");
    expect(parsed.import.counters.rejected[0]).toEqual({
      reason: "REJECT_REASON_OUT_OF_BOUNDS",
      samples: "600",
    });
    expect(parsed.import.finishedAt).toBeUndefined();
    expect(parsed.import.message).toBe("");
  });
});
