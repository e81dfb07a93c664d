import { chatRequestBody } from "./chat-request.js";
import { createKeepAliveClient, type KeepAliveClient } from "./keep-alive-client.js";
import type { ProxyTarget } from "./proxy-target.js";

export interface SequentialOptions {
  /** Requests per target. */
  requests: number;
  /** Targets take turns in this many blocks, so drift in machine load spreads over all of them. */
  blocks: number;
}

async function timedPost(
  client: KeepAliveClient,
  target: ProxyTarget,
  url: URL,
  body: string,
): Promise<number> {
  const started = performance.now();
  const answer = await client.post(url, target.headers, body);
  const elapsed = performance.now() - started;
  if (answer.status !== 200 || !answer.body.includes('"choices"'))
    throw new Error(`${target.name} answered ${answer.status}: ${answer.body.slice(0, 300)}`);
  return elapsed;
}

/**
 * One request at a time on one kept-alive connection per target; returns each target's latencies in ms.
 * The pure per-request overhead of a proxy is its latency minus the direct call's.
 */
export async function measureSequential(
  targets: readonly ProxyTarget[],
  options: SequentialOptions,
): Promise<Map<string, number[]>> {
  const body = chatRequestBody();
  const clients = targets.map(() => createKeepAliveClient());
  const urls = targets.map((target) => new URL(`${target.baseUrl}/v1/chat/completions`));
  const latencies = new Map<string, number[]>(targets.map((target) => [target.name, []]));
  const perBlock = Math.max(1, Math.ceil(options.requests / options.blocks));
  try {
    for (let block = 0; block < options.blocks; block += 1) {
      for (const [index, target] of targets.entries()) {
        const samples = latencies.get(target.name)!;
        globalThis.gc?.();
        for (let count = 0; count < perBlock; count += 1)
          samples.push(await timedPost(clients[index]!, target, urls[index]!, body));
      }
    }
  } finally {
    for (const client of clients) client.close();
  }
  return latencies;
}
