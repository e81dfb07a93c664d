import autocannon from "autocannon";
import { chatRequestBody } from "./chat-request.js";
import { percentile } from "./percentile.js";
import type { ProxyTarget } from "./proxy-target.js";
import { readTreeCpuMs } from "./read-cpu.js";

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU (user + system, the target's process tree) per answered request, µs: what the box pays per request. */
  cpuMicrosPerRequest: number;
}

/**
 * autocannon against one target for `seconds` with `connections` kept-alive connections. Latencies come
 * from autocannon's per-response event (float ms) rather than its whole-millisecond histogram.
 * Any non-2xx answer or connection error fails the measurement: a proxy that answers errors fast is not fast.
 */
export async function measureLoad(
  target: ProxyTarget,
  connections: number,
  seconds: number,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const cpuBefore = await readTreeCpuMs(target.pid);
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${target.baseUrl}/v1/chat/completions`,
        method: "POST",
        headers: { "content-type": "application/json", ...target.headers },
        body: chatRequestBody(),
        connections,
        duration: seconds,
        timeout: 10,
      },
      (error: unknown, finished: autocannon.Result) => {
        if (error) reject(error instanceof Error ? error : new Error(String(error)));
        else resolve(finished);
      },
    );
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(
      `${target.name} at ${connections} connections: ${result.non2xx} non-2xx answers, ${result.errors} errors ` +
        `(${result.timeouts} timeouts) out of ${result.requests.total} requests`,
    );
  const cpuMs = (await readTreeCpuMs(target.pid)) - cpuBefore;
  return {
    cpuMicrosPerRequest: latencies.length === 0 ? Number.NaN : (cpuMs * 1000) / latencies.length,
    requestsPerSecond: latencies.length / result.duration,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}
