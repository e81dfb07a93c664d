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
    // Steady traffic, as a gateway in service has: cortex's code takes thousands of requests to be fully
    // compiled, and a stream timed before that measures the JIT (docs/decisions/0009-one-request-path.md).
    const warmUpStreams = context.quick ? 20 : 2000;
    const leadInMs = context.quick ? 100 : 1000;
    context.note(
      `Gapped streams: ${chunks} chunks ${gapMs} ms apart; instant streams: the same chunks written at once. ` +
        `First ${warmUpStreams} instant streams per target, untimed (warm-up). Then ` +
        `${streams} times per target per round, targets taking turns, one stream at a time: a gapped stream ` +
        "that finds the target idle and a gapped one right after it (chunk delays); after those, " +
        `${leadInMs} ms of untimed instant streams, targets taking turns (steady traffic), then ${streams} ` +
        "times per target: two instant streams, the second of which gives the time to first byte.",
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
    const measure = async (target: (typeof targets)[number], instant = false) => {
      const timing = await measureStream(target, agents.get(target.name)!, instant);
      if (!timing.sawDone || timing.chunkDelaysMs.length !== chunks)
        throw new Error(
          `${target.name}: a stream ended after ${timing.chunkDelaysMs.length}/${chunks} chunks ` +
            `${timing.sawDone ? "with" : "without"} [DONE]`,
        );
      return timing;
    };
    const drop = (target: (typeof targets)[number], error: unknown) => {
      if (target.name === "direct" || target.name === "cortex") throw error;
      context.note(`${target.name} dropped: ${error instanceof Error ? error.message : error}`);
      active.splice(active.indexOf(target), 1);
    };
    try {
      for (const target of [...active]) {
        try {
          for (let index = 0; index < warmUpStreams; index += 1) await measure(target, true);
        } catch (error) {
          drop(target, error);
        }
      }
    } catch (error) {
      await dispose();
      throw error;
    }
    return {
      async measureRound() {
        const perTarget = () => new Map<string, StreamTiming[]>(active.map((target) => [target.name, []]));
        const [gapped, afterIdle, instant] = [perTarget(), perTarget(), perTarget()];
        const turn = async (target: (typeof targets)[number], step: () => Promise<void>) => {
          try {
            await step();
          } catch (error) {
            drop(target, error);
            for (const map of [gapped, afterIdle, instant]) map.delete(target.name);
          }
        };
        // Gapped streams: the first finds the target idle since its last turn (the others' streams ran
        // meanwhile), the second is sent at once. Between chunks 10 ms apart every process sleeps.
        for (let index = 0; index < streams; index += 1)
          for (const target of [...active])
            await turn(target, async () => {
              afterIdle.get(target.name)!.push(await measure(target));
              gapped.get(target.name)!.push(await measure(target));
            });
        // Then the time to first byte, from instant streams only, after `leadInMs` of them untimed: the
        // gapped streams let every process sleep, and this VM takes hundreds of ms of steady traffic to
        // answer at full speed again (docs/decisions/0009-one-request-path.md, "Steady traffic"). Each timed
        // stream is sent right after another to the same target, as under a client's steady traffic.
        const leadInEnd = performance.now() + leadInMs;
        while (performance.now() < leadInEnd)
          for (const target of [...active])
            await turn(target, async () => void (await measure(target, true)));
        for (let index = 0; index < streams; index += 1)
          for (const target of [...active])
            await turn(target, async () => {
              await measure(target, true);
              instant.get(target.name)!.push(await measure(target, true));
            });
        return streamingFigures({ gapped, afterIdle, instant });
      },
      dispose,
    };
  },
};
