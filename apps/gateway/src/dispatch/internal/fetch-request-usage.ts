import type { Usage } from "../../entitlements/entitlements.js";

/** How long one lookup waits for a neuron to finish (and report) a generation. */
export const USAGE_LOOKUP_WAIT_MS = 5_000;

/** Lookups made while the neuron says the request is still running (the hold stays meanwhile). */
export const USAGE_LOOKUP_ATTEMPTS = 12;

/** A neuron's answer: what the request used, that it never ran there (404), or null (cannot tell). */
export type RequestUsageAnswer = { state: "finished"; usage: Usage } | { state: "unknown" } | null;

/**
 * Asks a neuron what a request generated (`GET /v1/requests/{id}/usage`, sent with the `x-request-id`
 * cortex gave it): after a stream that carried no usage (the client did not ask for it) or one the
 * client abandoned. `unknown` (404) when the neuron never admitted it (or is too old to say); null when
 * it could not tell in time (still running after `attempts` waits of `waitMs`) or could not be reached.
 * Never throws.
 */
export async function fetchRequestUsage(
  endpoint: string,
  authToken: string | undefined,
  requestId: string,
  waitMs = USAGE_LOOKUP_WAIT_MS,
  attempts = USAGE_LOOKUP_ATTEMPTS,
): Promise<RequestUsageAnswer> {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const answer = await lookupOnce(endpoint, authToken, requestId, waitMs);
    if (answer !== "running") return answer;
  }
  return null;
}

async function lookupOnce(
  endpoint: string,
  authToken: string | undefined,
  requestId: string,
  waitMs: number,
): Promise<RequestUsageAnswer | "running"> {
  try {
    const response = await fetch(
      `${endpoint}/v1/requests/${encodeURIComponent(requestId)}/usage?wait_ms=${waitMs}`,
      {
        headers: authToken === undefined ? {} : { authorization: `Bearer ${authToken}` },
        signal: AbortSignal.timeout(waitMs + 5_000),
      },
    );
    if (!response.ok) {
      await response.body?.cancel();
      return response.status === 404 ? { state: "unknown" } : null;
    }
    const body = (await response.json()) as {
      state?: unknown;
      usage?: {
        prompt_tokens?: unknown;
        completion_tokens?: unknown;
        prompt_tokens_details?: { cached_tokens?: unknown } | null;
      } | null;
    };
    if (body.state === "running") return "running";
    if (body.state !== "finished" || body.usage == null) return null;
    const prompt = body.usage.prompt_tokens;
    const completion = body.usage.completion_tokens;
    if (typeof prompt !== "number" || typeof completion !== "number") return null;
    const usage: Usage = { promptTokens: prompt, completionTokens: completion };
    const cached = body.usage.prompt_tokens_details?.cached_tokens;
    if (typeof cached === "number" && Number.isInteger(cached) && cached >= 0)
      usage.cachedTokens = Math.min(cached, prompt);
    return { state: "finished", usage };
  } catch {
    return null;
  }
}
