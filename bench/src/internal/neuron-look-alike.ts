import {
  type Discovery,
  discoverySchema,
  type EndpointReply,
  endpointReplySchema,
  type Health,
  healthSchema,
  type ModelList,
  modelListSchema,
} from "@helexa/core";

/** The model id the stub serves. */
export const stubModelId = "bench";

export interface NeuronLookAlike {
  discovery: Discovery;
  models: ModelList;
  health: Health;
  endpoint: EndpointReply;
}

/**
 * The control-plane replies that make the upstream stub look like a neuron with one loaded model, built
 * through core's wire schemas so a change there shows up here as a parse error rather than a silent mismatch.
 */
export function buildNeuronLookAlike(baseUrl: string, startedAt: number): NeuronLookAlike {
  return {
    discovery: discoverySchema.parse({
      hostname: "bench-stub",
      os: process.platform,
      kernel: "",
      devices: [],
      harnesses: ["llama.cpp"],
      max_prompt_tokens: 4096,
      gpu: "cpu",
    }),
    models: modelListSchema.parse([
      {
        id: stubModelId,
        status: "loaded",
        capabilities: ["chat"],
        limit: { context: 8192, output: 4096 },
      },
    ]),
    health: healthSchema.parse({
      uptime_secs: Math.max(0, (Date.now() - startedAt) / 1000),
      models: [
        // Large capacity: the stub answers at once and never queues, so routing never holds back.
        { id: stubModelId, in_flight: 0, queue_depth: 0, max_in_flight: 100_000, max_queue_depth: 100_000 },
      ],
    }),
    endpoint: endpointReplySchema.parse({ url: baseUrl }),
  };
}
