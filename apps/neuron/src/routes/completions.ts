import { DEFAULT_COMPLETIONS_MAX_TOKENS, invalidRequest, requestedOutputLimit } from "@helexa/core";
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

/** `POST /v1/completions` (raw prompt, no chat template), streaming and not, `n` choices (see `admitChoices`). */
export function completionsRoutes(deps: NeuronAppDeps): Hono {
  return new Hono().post("/v1/completions", async (c) => {
    const body = await readJsonBody(c, completionRequestSchema, deps.config.max_body_bytes);
    const request = toEngineCompletionRequest(body);
    const signal = c.req.raw.signal;
    const stream = body.stream === true;
    const usage = trackRequestUsage(c, deps);
    const admitted = await usage.admit(() =>
      admitChoices(deps, body.model, Array(body.n ?? 1).fill(request), signal, {
        stream,
        onUsage: usage.onUsage,
      }),
    );
    const events = admitted.map((generation) => generation.events);
    // text_offset counts from the start of the prompt (OpenAI); token-id prompts count from 0.
    const logprobs =
      request.sampling.logprobs === undefined
        ? null
        : { offsets: events.map(() => (typeof request.prompt === "string" ? request.prompt.length : 0)) };
    const meta = { id: newId("cmpl-"), created: unixSeconds(deps.now?.()), model: body.model };
    if (stream) {
      const includeUsage = body.stream_options?.include_usage === true;
      return sseResponse(
        (sink, streamSignal) =>
          streamTextCompletion(sink, events, meta, includeUsage, streamSignal, logprobs),
        {
          keepAliveMs: deps.keepAliveMs ?? 15_000,
          signal,
          outgoing: nodeOutgoing(c),
          onError: (error) => deps.logger.error({ err: error }, "completion stream failed"),
        },
      );
    }
    const results = await Promise.all(events.map((choice) => collectGeneration(choice)));
    return c.json(buildTextCompletion(results, meta, logprobs));
  });
}

function toEngineCompletionRequest(body: CompletionRequest): EngineCompletionRequest {
  if ((body.best_of ?? 1) !== 1) throw invalidRequest("only best_of = 1 is supported", "best_of");
  const [request, ...more] = toEngineCompletionRequests(body, {
    responseFormat: toResponseFormat(body.response_format),
    sampling: toEngineSampling(
      body,
      requestedOutputLimit("/v1/completions", body) ?? DEFAULT_COMPLETIONS_MAX_TOKENS,
      completionTopLogprobs(body),
    ),
  });
  if (request === undefined || more.length > 0)
    throw invalidRequest("a batch of prompts is not supported on this neuron", "prompt");
  return request;
}
