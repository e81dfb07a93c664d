import { setTimeout as sleep } from "node:timers/promises";
import { type BenchGroup, type Measurement, SkipGroup } from "../bench-types.js";
import { chatRequestBody } from "../internal/chat-request.js";
import { createKeepAliveClient } from "../internal/keep-alive-client.js";
import { openStreams } from "../internal/open-streams.js";
import { readRssBytes } from "../internal/read-rss.js";
import { hasCortex, startCortex } from "../internal/start-cortex.js";
import { startStub } from "../internal/start-stub.js";

const megabyte = 1e6;

async function peakRss(pid: number, samples: number): Promise<number> {
  let peak = 0;
  for (let index = 0; index < samples; index += 1) {
    peak = Math.max(peak, await readRssBytes(pid));
    await sleep(200);
  }
  return peak;
}

/** cortex's resident memory idle and while it relays many slow streams at once. */
export const memoryGroup: BenchGroup = {
  name: "memory",
  description: "cortex RSS idle and with many concurrent open streams (slow upstream)",
  async setup(context) {
    if (!hasCortex(context.root))
      throw new SkipGroup("cortex is not built (apps/gateway/dist/cli.js missing)");
    const streams = context.quick ? 50 : 1000;
    // Slow streams: one chunk a second for up to ten minutes; the bench closes them long before.
    const stub = await startStub(context.root, { chunks: 600, gapMs: 1000 });
    context.note(
      `A fresh cortex per round; idle = after 50 requests and 1 s; then ${streams} streams held open ` +
        "(one chunk a second each), RSS peak over 1 s (decimal MB, /proc VmRSS).",
    );
    return {
      async measureRound() {
        const cortex = await startCortex(context.root, context.scratch, stub.baseUrl);
        try {
          const client = createKeepAliveClient();
          for (let index = 0; index < 50; index += 1)
            await client.post(new URL(`${cortex.baseUrl}/v1/chat/completions`), {}, chatRequestBody());
          client.close();
          await sleep(1000);
          const idle = await readRssBytes(cortex.pid);
          const open = await openStreams(cortex, streams);
          await sleep(2000);
          const stillOpen = open.count();
          const loaded = await peakRss(cortex.pid, 5);
          open.closeAll();
          if (stillOpen !== streams) throw new Error(`only ${stillOpen} of ${streams} streams stayed open`);
          const figures: Measurement[] = [
            { name: "cortex RSS idle", unit: "MB", value: idle / megabyte },
            {
              name: `cortex RSS with ${streams} open streams`,
              unit: "MB",
              value: loaded / megabyte,
              ...(streams === 1000
                ? { target: { comparison: "<=", value: 150, description: "issue 5" } as const }
                : {}),
            },
            { name: "cortex RSS per open stream", unit: "kB", value: (loaded - idle) / streams / 1000 },
          ];
          return figures;
        } finally {
          await cortex.stop();
        }
      },
      dispose: () => stub.stop(),
    };
  },
};
