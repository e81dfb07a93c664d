import { chatRequestBody } from "./chat-request.js";
import { createKeepAliveClient, type KeepAliveClient } from "./keep-alive-client.js";
import type { ProxyTarget } from "./proxy-target.js";

export interface SequentialOptions {
  /** Requests per target. */
  requests: number;
  /** Targets take turns in this many blocks, so drift in machine load spreads over all of them. */
  blocks: number;
  /**
   * Untimed requests at the start of each block. A block's first requests find its target idle since its
   * last block (the other targets' blocks ran meanwhile) and time waking it, which a gateway with steady
   * traffic does not do (docs/decisions/0009-one-request-path.md, "Steady traffic").
   */
  leadIn?: number;
}

export interface SequentialResult {
  /** Target name → latency of each request, ms. */
  latencies: Map<string, number[]>;
  /** Target name → the gateway's own `Server-Timing` duration of each request, ms, where it sends one. */
  serverTimings: Map<string, number[]>;
}

async function timedPost(
  client: KeepAliveClient,
  target: ProxyTarget,
  url: URL,
  body: string,
): Promise<{ elapsed: number; serverTiming: number | undefined }> {
  const started = performance.now();
  const answer = await client.post(url, target.headers, body);
  const elapsed = performance.now() - started;
  if (answer.status !== 200 || !answer.body.includes('"choices"'))
    throw new Error(`${target.name} answered ${answer.status}: ${answer.body.slice(0, 300)}`);
  const header = answer.headers["server-timing"];
  const match = typeof header === "string" ? /\bcortex;dur=([\d.]+)/.exec(header) : null;
  return { elapsed, serverTiming: match === null ? undefined : Number(match[1]) };
}

/**
 * One request at a time on one kept-alive connection per target; returns each target's latencies in ms.
 * The pure per-request overhead of a proxy is its latency minus the direct call's.
 */
export async function measureSequential(
  targets: readonly ProxyTarget[],
  options: SequentialOptions,
): Promise<SequentialResult> {
  const body = chatRequestBody();
  const clients = targets.map(() => createKeepAliveClient());
  const urls = targets.map((target) => new URL(`${target.baseUrl}/v1/chat/completions`));
  const latencies = new Map<string, number[]>(targets.map((target) => [target.name, []]));
  const serverTimings = new Map<string, number[]>(targets.map((target) => [target.name, []]));
  const perBlock = Math.max(1, Math.ceil(options.requests / options.blocks));
  try {
    for (let block = 0; block < options.blocks; block += 1) {
      for (const [index, target] of targets.entries()) {
        const samples = latencies.get(target.name)!;
        const timings = serverTimings.get(target.name)!;
        globalThis.gc?.();
        for (let count = 0; count < (options.leadIn ?? 0); count += 1)
          await timedPost(clients[index]!, target, urls[index]!, body);
        for (let count = 0; count < perBlock; count += 1) {
          const { elapsed, serverTiming } = await timedPost(clients[index]!, target, urls[index]!, body);
          samples.push(elapsed);
          if (serverTiming !== undefined) timings.push(serverTiming);
        }
      }
    }
  } finally {
    for (const client of clients) client.close();
  }
  return { latencies, serverTimings };
}
