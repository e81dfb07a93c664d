import type { GroupContext } from "../bench-types.js";
import type { EngineGeneration, EngineSettings } from "./engine-protocol.js";
import { createKeepAliveClient } from "./keep-alive-client.js";
import { neuronGenerate } from "./neuron-generate.js";
import { type EngineBaseline, startEngine } from "./start-engine.js";
import { startNeuron } from "./start-neuron.js";

export interface Batch {
  elapsedMs: number;
  generations: EngineGeneration[];
}

/** A neuron and the direct engine, both serving the same model with the same settings. */
export interface NeuronPair {
  engine: EngineBaseline;
  neuronPid: number;
  /** One request through the neuron. */
  neuronGenerate(maxTokens: number): Promise<EngineGeneration>;
  /** `concurrency` requests at once through the neuron; wall time of the whole batch. */
  neuronBatch(concurrency: number, maxTokens: number): Promise<Batch>;
  stop(): Promise<void>;
}

/** Starts both sides for `settings` (the neuron in its own scratch sub-folder) and warms them up. */
export async function startNeuronPair(
  context: GroupContext,
  settings: EngineSettings,
  warmUpTokens: number,
): Promise<NeuronPair> {
  const engine = await startEngine(context.root, settings);
  const neuron = await startNeuron(context.root, context.scratch, settings).catch(async (error: unknown) => {
    await engine.stop();
    throw error;
  });
  const client = createKeepAliveClient(settings.sequences);
  const generate = (maxTokens: number) => neuronGenerate(client, neuron.baseUrl, maxTokens);
  const pair: NeuronPair = {
    engine,
    neuronPid: neuron.process.pid,
    neuronGenerate: generate,
    async neuronBatch(concurrency, maxTokens) {
      const started = performance.now();
      const generations = await Promise.all(Array.from({ length: concurrency }, () => generate(maxTokens)));
      return { elapsedMs: performance.now() - started, generations };
    },
    async stop() {
      client.close();
      await neuron.process.stop(15_000);
      await engine.stop();
    },
  };
  try {
    // JIT on both sides, and the prompt prefix in the KV cache of every sequence.
    await pair.neuronBatch(settings.sequences, warmUpTokens);
    await engine.batch(settings.sequences, warmUpTokens);
  } catch (error) {
    await pair.stop();
    throw error;
  }
  return pair;
}
