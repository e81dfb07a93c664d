import { Agent } from "node:http";
import type { BenchGroup } from "../bench-types.js";
import { measureStream, type StreamTiming } from "../internal/measure-stream.js";
import { startGatewayTargets, stopTargets } from "../internal/start-gateway-targets.js";
import { streamingFigures } from "./streaming-figures.js";

/** Streaming overhead: time to first byte and per-chunk delay through each gateway vs direct; no buffering. */
export const streamingGroup: BenchGroup = {
  name: "streaming",
  description:
    "streamed chat completions (SSE chunks at a fixed gap): added time to first byte and chunk delay",
  async setup(context) {
    // 30 × 10 ms: a stall shorter than 300 ms on a busy machine cannot pass for buffering.
    const chunks = context.quick ? 5 : 30;
    const gapMs = context.quick ? 5 : 10;
    const streams = context.quick ? 4 : 20;
    context.note(
      `Each stream: ${chunks} chunks ${gapMs} ms apart; ${streams} pairs of streams per target per round, ` +
        "one at a time; the first of a pair finds the target idle, the second (measured) right after it.",
    );
    const targets = await startGatewayTargets(context, { chunks, gapMs });
    const agents = new Map(
      targets.map((target) => [target.name, new Agent({ keepAlive: true, maxSockets: 1 })]),
    );
    const dispose = async () => {
      for (const agent of agents.values()) agent.destroy();
      await stopTargets(targets);
    };
    // A peer gateway that cannot stream loses its column (with the reason); direct and cortex must work.
    const active = [...targets];
    const measure = async (target: (typeof targets)[number]) => {
      const timing = await measureStream(target, agents.get(target.name)!);
      if (!timing.sawDone || timing.chunkDelaysMs.length !== chunks)
        throw new Error(
          `${target.name}: a stream ended after ${timing.chunkDelaysMs.length}/${chunks} chunks ` +
            `${timing.sawDone ? "with" : "without"} [DONE]`,
        );
      return timing;
    };
    return {
      async measureRound() {
        const byTarget = new Map<string, StreamTiming[]>(active.map((target) => [target.name, []]));
        const afterIdle = new Map<string, StreamTiming[]>(active.map((target) => [target.name, []]));
        for (let index = 0; index < streams; index += 1) {
          for (const target of [...active]) {
            try {
              // The first stream finds the target idle since its last turn (the others' streams ran
              // meanwhile); the second, sent at once, finds it awake, as a client with steady traffic does.
              afterIdle.get(target.name)!.push(await measure(target));
              byTarget.get(target.name)!.push(await measure(target));
            } catch (error) {
              if (target.name === "direct" || target.name === "cortex") throw error;
              context.note(`${target.name} dropped: ${error instanceof Error ? error.message : error}`);
              active.splice(active.indexOf(target), 1);
              byTarget.delete(target.name);
              afterIdle.delete(target.name);
            }
          }
        }
        return streamingFigures(byTarget, afterIdle);
      },
      dispose,
    };
  },
};
