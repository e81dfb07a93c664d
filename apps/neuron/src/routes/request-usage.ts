import { invalidRequest } from "@helexa/core";
import type { Context } from "hono";
import { Hono } from "hono";
import type { NeuronAppDeps } from "../app-deps.js";
import type { GenerationUsage } from "../ipc/generation-event.js";
import { isRequestId } from "../supervisor/request-usage-book.js";

/** The longest `wait_ms` a lookup may ask for. */
export const MAX_USAGE_WAIT_MS = 30_000;

/**
 * `GET /v1/requests/{id}/usage?wait_ms=N`: the final usage of a recent request that carried
 * `x-request-id: {id}` (behind `auth_token` like every inference route). Cortex asks after a stream ends
 * without usage in it, or after the client abandoned it, so it bills what was generated.
 * `{request_id, state: "finished", usage: {prompt_tokens, completion_tokens, prompt_tokens_details:
 * {cached_tokens}} | null}` (the reused prompt tokens, for cortex's hit ratio), or `state:
 * "running"` when it had not finished within `wait_ms` (default 0, at most 30 000); 404 when unknown.
 */
export function requestUsageRoutes(deps: NeuronAppDeps): Hono {
  return new Hono().get("/v1/requests/:id/usage", async (c) => {
    const id = c.req.param("id");
    if (!isRequestId(id)) throw invalidRequest("invalid request id", "id");
    const waitParam = c.req.query("wait_ms");
    const wait = waitParam === undefined ? 0 : Number(waitParam);
    if (!Number.isInteger(wait) || wait < 0)
      throw invalidRequest("wait_ms must be a non-negative integer", "wait_ms");
    const found = await deps.requestUsage.lookup(id, Math.min(wait, MAX_USAGE_WAIT_MS));
    if (found.state === "unknown") {
      return c.json(
        {
          error: {
            message: "no recent request with this id",
            type: "not_found_error",
            code: "request_not_found",
            param: null,
          },
        },
        404,
      );
    }
    if (found.state === "running") return c.json({ request_id: id, state: "running", usage: null });
    return c.json({ request_id: id, state: "finished", usage: toWireUsage(found.usage) });
  });
}

function toWireUsage(usage: GenerationUsage | null) {
  return usage === null
    ? null
    : {
        prompt_tokens: usage.promptTokens,
        completion_tokens: usage.completionTokens,
        prompt_tokens_details: { cached_tokens: usage.cachedTokens },
      };
}

/** The usage hooks of one inference request (no-ops without a valid `x-request-id`). */
export interface RequestUsageTracking {
  /** Give to `registry.admit` as `onUsage`. */
  onUsage: ((usage: GenerationUsage | null) => void) | undefined;
  /**
   * Runs the admission with the request marked running, so a lookup made meanwhile waits for it; a
   * refused admission (nothing generated) is recorded as zero usage.
   */
  admit<T>(run: () => Promise<T>): Promise<T>;
}

const NOTHING: GenerationUsage = {
  promptTokens: 0,
  completionTokens: 0,
  cachedTokens: 0,
  reasoningTokens: 0,
};

/**
 * Tracks an inference request's final usage for `GET /v1/requests/{id}/usage` when it carries a valid
 * `x-request-id` (cortex sends a fresh one per request).
 */
export function trackRequestUsage(c: Context, deps: NeuronAppDeps): RequestUsageTracking {
  const id = c.req.header("x-request-id");
  if (!isRequestId(id)) return { onUsage: undefined, admit: (run) => run() };
  return {
    onUsage: (usage) => deps.requestUsage.finish(id, usage),
    async admit(run) {
      deps.requestUsage.begin(id);
      try {
        return await run();
      } catch (error) {
        deps.requestUsage.finish(id, NOTHING);
        throw error;
      }
    },
  };
}
