import { create } from "@bufbuild/protobuf";
import { PushOutcome, type PushResponse, PushResponseSchema } from "@ferry/api";
import type { PushClient } from "../../../core/push-client";

/** For specs: a push client the sink accepts every push of, counting their samples. */
export function acceptingPush(): { client: PushClient; samples: () => number } {
  let samples = 0;
  const client = {
    push: async (_payload: Uint8Array, options: { samples: number }): Promise<PushResponse> => {
      samples += options.samples;
      return create(PushResponseSchema, { outcome: PushOutcome.ACCEPTED, sinkStatus: 204 });
    },
  } as unknown as PushClient;
  return { client, samples: () => samples };
}
