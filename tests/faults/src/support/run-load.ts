import { checkRefusal, checkStream, checkWhole, type RequestOutcome } from "./check-reply.js";
import { MODEL } from "./start-fault-fleet.js";

export interface LoadOptions {
  cortexUrl: string;
  headers: Record<string, string>;
  /** Concurrent clients, each sending its requests one after another. */
  clients: number;
  requestsPerClient: number;
  /** A request not settled by then is a hang (and is aborted). */
  settleBoundMs: number;
  /** The fault, injected once `after` requests have settled (the others are running then). */
  fault?: { after: number; inject: () => Promise<void> };
}

/**
 * Streaming and whole chat completions from `clients` concurrent clients through cortex; every request
 * ends as one `RequestOutcome`. Streams ask for usage (`stream_options.include_usage`), so the usage a
 * client received can be compared with what the ledger charged.
 */
export async function runLoad(options: LoadOptions): Promise<RequestOutcome[]> {
  const outcomes: RequestOutcome[] = [];
  let injected: Promise<void> | undefined;
  const settled = (outcome: RequestOutcome) => {
    outcomes.push(outcome);
    if (options.fault !== undefined && injected === undefined && outcomes.length >= options.fault.after)
      injected = options.fault.inject();
  };
  const client = async (index: number) => {
    for (let k = 0; k < options.requestsPerClient; k++) {
      const stream = (index + k) % 2 === 0;
      // Streams run longer (up to 512 tokens) so that a fault finds some of them mid-body.
      const maxTokens = (stream ? 128 : 64) * (1 + ((index * 7 + k * 13) % 4));
      settled(await request(options, stream, maxTokens, `client ${index} request ${k}: count on`));
    }
  };
  await Promise.all(Array.from({ length: options.clients }, (_, index) => client(index)));
  await injected;
  return outcomes;
}

async function request(
  options: LoadOptions,
  stream: boolean,
  maxTokens: number,
  prompt: string,
): Promise<RequestOutcome> {
  const signal = AbortSignal.timeout(options.settleBoundMs);
  try {
    const response = await fetch(`${options.cortexUrl}/v1/chat/completions`, {
      method: "POST",
      headers: { ...options.headers, "content-type": "application/json" },
      body: JSON.stringify({
        model: MODEL,
        messages: [{ role: "user", content: prompt }],
        max_tokens: maxTokens,
        temperature: 0.7,
        ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
      }),
      signal,
    });
    const body = await response.text();
    if (!response.ok) {
      return { ...checkRefusal(response.status, response.headers.get("retry-after"), body), stream };
    }
    return stream ? checkStream(body) : checkWhole(body);
  } catch (error) {
    if (signal.aborted) return { stream, status: 0, end: "hang", usageTokens: 0 };
    const message = error instanceof Error ? `${error.message} ${String(error.cause ?? "")}` : String(error);
    return { stream, status: 0, end: "malformed", problem: `no reply: ${message}`, usageTokens: 0 };
  }
}
