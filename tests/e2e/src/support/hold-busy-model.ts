import { waitFor } from "@helexa/test-support";
import { type Fleet, TINY_BUSY } from "./start-fleet.js";

/** The one sequence of `tiny-busy`, held by a long streaming request until `release()`. */
export interface HeldSlot {
  /** Ends the held request and waits until the neuron and cortex both see the model idle again. */
  release(): Promise<void>;
}

interface ModelLoad {
  id: string;
  in_flight: number;
  queue_depth: number;
}

async function neuronInFlight(fleet: Fleet): Promise<number | undefined> {
  const health = (await (await fetch(`${fleet.neuronUrl}/health`)).json()) as { models: ModelLoad[] };
  return health.models.find((model) => model.id === TINY_BUSY)?.in_flight;
}

async function cortexInFlight(fleet: Fleet): Promise<number | undefined> {
  const list = (await (await fetch(`${fleet.cortexUrl}/v1/models`, { headers: fleet.headers })).json()) as {
    data: Array<{ id: string; locations: Array<{ in_flight?: number }> }>;
  };
  const model = list.data.find((entry) => entry.id === TINY_BUSY);
  return model?.locations.reduce((sum, location) => sum + (location.in_flight ?? 0), 0);
}

/**
 * Occupies `tiny-busy` (sequences = 1, max_queue_depth = 0) with a streaming chat of 4000 tokens sent
 * through cortex, and resolves once the neuron reports it running, so the next request to that model is
 * refused with backpressure. The slot is held until `release()` aborts the request (4000 tokens take
 * seconds on the tiny model, far longer than the refusal a test sends right after).
 */
export async function holdBusyModel(fleet: Fleet): Promise<HeldSlot> {
  const controller = new AbortController();
  const response = await fetch(`${fleet.cortexUrl}/v1/chat/completions`, {
    method: "POST",
    headers: { ...fleet.headers, "content-type": "application/json" },
    body: JSON.stringify({
      model: TINY_BUSY,
      messages: [{ role: "user", content: "hold the only sequence" }],
      max_tokens: 4000,
      temperature: 0,
      stream: true,
    }),
    signal: controller.signal,
  });
  if (response.status !== 200) {
    throw new Error(`holding ${TINY_BUSY}: ${response.status} ${await response.text()}`);
  }
  // Keep reading so the stream is live, without caring what it says.
  const drained = response.body
    ?.pipeTo(new WritableStream(), { signal: controller.signal })
    .catch(() => undefined);
  await waitFor(async () => ((await neuronInFlight(fleet)) === 1 ? true : undefined), 30_000, "a held slot");
  return {
    async release() {
      controller.abort();
      await drained;
      await waitFor(
        async () => ((await neuronInFlight(fleet)) === 0 ? true : undefined),
        30_000,
        "neuron idle",
      );
      await waitFor(
        async () => ((await cortexInFlight(fleet)) === 0 ? true : undefined),
        30_000,
        "cortex idle",
      );
    },
  };
}
