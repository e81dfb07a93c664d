import {
  DEFAULT_COMPLETIONS_MAX_TOKENS,
  invalidRequest,
  prefixBlockHashes,
  requestedOutputLimit,
} from "@helexa/core";
import { Hono } from "hono";
import type { NeuronAppDeps } from "../app-deps.js";
import { nodeOutgoing } from "../http/node-outgoing.js";
import { readJsonBody } from "../http/read-json-body.js";
import { sseResponse } from "../http/sse-response.js";
import type { EngineCompletionRequest } from "../ipc/engine-request.js";
import { collectGeneration } from "../wire/collect-generation.js";
import { type CompletionRequest, completionRequestSchema } from "../wire/completion-request.js";
import { newId, unixSeconds } from "../wire/response-ids.js";
import { buildTextCompletion, streamTextCompletion } from "../wire/text-completion-response.js";
import { toResponseFormat } from "../wire/to-engine-chat-request.js";
import { toEngineCompletionRequests } from "../wire/to-engine-completion-requests.js";
import { toEngineSampling } from "../wire/to-engine-sampling.js";
import { completionTopLogprobs } from "../wire/top-logprobs-of.js";
import { admitChoices } from "./admit-choices.js";
import { trackRequestUsage } from "./request-usage.js";

/**
 * `POST /v1/completions` (raw prompt, no chat template), streaming and not, `n` choices of each prompt of a
 * batch (see `admitChoices`).
 */
export function completionsRoutes(deps: NeuronAppDeps): Hono {
  return new Hono().post("/v1/completions", async (c) => {
    const body = await readJsonBody(c, completionRequestSchema, deps.config.max_body_bytes);
    // A batch of prompts: `n` choices of each in turn, as OpenAI numbers them.
    const n = body.n ?? 1;
    const requests = toEngineCompletionRequests(body, sharedFields(body)).flatMap((request) =>
      Array<EngineCompletionRequest>(n).fill(withPrefixBlocks(request)),
    );
    const signal = c.req.raw.signal;
    const stream = body.stream === true;
    const usage = trackRequestUsage(c, deps);
    const admitted = await usage.admit(() =>
      admitChoices(deps, body.model, requests, signal, {
        stream,
        onUsage: usage.onUsage,
        choicesPerPrompt: n,
      }),
    );
    const events = admitted.map((generation) => generation.events);
    // text_offset counts from the start of the prompt (OpenAI); token-id prompts count from 0.
    const logprobs =
      requests[0]?.sampling.logprobs === undefined
        ? null
        : {
            offsets: requests.map((request) =>
              typeof request.prompt === "string" ? request.prompt.length : 0,
            ),
          };
    const meta = { id: newId("cmpl-"), created: unixSeconds(deps.now?.()), model: body.model };
    if (stream) {
      const includeUsage = body.stream_options?.include_usage === true;
      return sseResponse(
        (sink, streamSignal) =>
          streamTextCompletion(sink, events, meta, includeUsage, streamSignal, logprobs, n),
        {
          keepAliveMs: deps.keepAliveMs ?? 15_000,
          signal,
          outgoing: nodeOutgoing(c),
          onError: (error) => deps.logger.error({ err: error }, "completion stream failed"),
        },
      );
    }
    const results = await Promise.all(events.map((choice) => collectGeneration(choice)));
    return c.json(buildTextCompletion(results, meta, logprobs, n));
  });
}

/** What every prompt of the body shares: sampling (`n` is the route's) and the response format. */
function sharedFields(body: CompletionRequest): Pick<EngineCompletionRequest, "responseFormat" | "sampling"> {
  if ((body.best_of ?? 1) !== 1) throw invalidRequest("only best_of = 1 is supported", "best_of");
  return {
    responseFormat: toResponseFormat(body.response_format),
    sampling: toEngineSampling(
      body,
      requestedOutputLimit("/v1/completions", body) ?? DEFAULT_COMPLETIONS_MAX_TOKENS,
      completionTopLogprobs(body),
    ),
  };
}

/** The prompt's prefix-block hashes, as cortex computes them for a one-prompt body (an infill has none). */
function withPrefixBlocks(request: EngineCompletionRequest): EngineCompletionRequest {
  if (request.infill !== undefined || typeof request.prompt !== "string") return request;
  return { ...request, prefixBlocks: prefixBlockHashes("/v1/completions", { prompt: request.prompt }) };
}
