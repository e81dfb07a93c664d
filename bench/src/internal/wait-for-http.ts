import { setTimeout as sleep } from "node:timers/promises";

/**
 * Polls `url` until `accept(status, body)` holds or `timeoutMs` passes; throws with the last answer seen.
 * For programs without a readiness line (nginx, Portkey) and for cortex's first successful route.
 */
export async function waitForHttp(
  url: string,
  options: { init?: RequestInit; timeoutMs: number; accept?: (status: number, body: string) => boolean },
): Promise<void> {
  const accept = options.accept ?? ((status: number) => status === 200);
  const deadline = Date.now() + options.timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { ...options.init, signal: AbortSignal.timeout(5000) });
      const body = await response.text();
      if (accept(response.status, body)) return;
      last = `${response.status} ${body.slice(0, 300)}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(100);
  }
  throw new Error(`${url} not ready after ${options.timeoutMs} ms; last answer: ${last}`);
}
