import {
  DEFAULT_COMPLETIONS_MAX_TOKENS,
  invalidRequest,
  prefixBlockHashes,
  requestedOutputLimit,
} from "@helexa/core";
import type { Hono } from "hono";
import type { NeuronAppDeps } from "../app-deps.js";
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
import { createGenerationRoute } from "./internal/create-generation-route.js";

/**
 * `POST /v1/completions` (raw prompt, no chat template), streaming and not, `n` choices of each prompt of a
 * batch (see `admitChoices`).
 */
export function completionsRoutes(deps: NeuronAppDeps): Hono {
  return createGenerationRoute(deps, {
    path: "/v1/completions",
    schema: completionRequestSchema,
    streamFailure: "completion stream failed",
    prepare(body) {
      // A batch of prompts: `n` choices of each in turn, as OpenAI numbers them.
      const n = body.n ?? 1;
      const requests = toEngineCompletionRequests(body, sharedFields(body)).flatMap((request) =>
        Array<EngineCompletionRequest>(n).fill(withPrefixBlocks(request)),
      );
      // text_offset counts from the start of the prompt (OpenAI); token-id prompts count from 0.
      const logprobs =
        requests[0]?.sampling.logprobs === undefined
          ? null
          : {
              offsets: requests.map((request) =>
                typeof request.prompt === "string" ? request.prompt.length : 0,
              ),
            };
      return {
        admit: ({ signal, stream, onUsage }) =>
          admitChoices(deps, body.model, requests, signal, { stream, onUsage, choicesPerPrompt: n }),
        answer(admitted) {
          const events = admitted.map((generation) => generation.events);
          const meta = { id: newId("cmpl-"), created: unixSeconds(deps.now?.()), model: body.model };
          const includeUsage = body.stream_options?.include_usage === true;
          return {
            stream: (sink, signal) =>
              streamTextCompletion(sink, events, meta, includeUsage, signal, logprobs, n),
            whole: async () =>
              buildTextCompletion(
                await Promise.all(events.map((choice) => collectGeneration(choice))),
                meta,
                logprobs,
                n,
              ),
          };
        },
      };
    },
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
