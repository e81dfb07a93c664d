import { prefixBlockHashes } from "@helexa/core";
import { Hono } from "hono";
import type { NeuronAppDeps } from "../app-deps.js";
import { nodeOutgoing } from "../http/node-outgoing.js";
import { readJsonBody } from "../http/read-json-body.js";
import { sseResponse } from "../http/sse-response.js";
import { chatCompletionRequestSchema } from "../wire/chat-completion-request.js";
import { buildChatCompletion } from "../wire/chat-completion-response.js";
import { collectGeneration } from "../wire/collect-generation.js";
import { newId, unixSeconds } from "../wire/response-ids.js";
import { streamChatCompletion } from "../wire/stream-chat-completion.js";
import { toEngineChatRequest } from "../wire/to-engine-chat-request.js";
import { admitChoices } from "./admit-choices.js";
import { trackRequestUsage } from "./request-usage.js";

/**
 * `POST /v1/chat/completions`, streaming and not, `n` choices (see `admitChoices`). Errors before the stream
 * opens are plain envelopes. Replies carry `x-helexa-prompt-tokens`: the prompt's exact token count.
 */
export function chatCompletionsRoutes(deps: NeuronAppDeps): Hono {
  return new Hono().post("/v1/chat/completions", async (c) => {
    const body = await readJsonBody(c, chatCompletionRequestSchema, deps.config.max_body_bytes);
    const request = {
      ...toEngineChatRequest(body),
      prefixBlocks: prefixBlockHashes("/v1/chat/completions", body),
    };
    const signal = c.req.raw.signal;
    const stream = body.stream === true;
    const withLogprobs = request.sampling.logprobs !== undefined;
    const usage = trackRequestUsage(c, deps);
    const admitted = await usage.admit(() =>
      admitChoices(deps, body.model, Array(body.n ?? 1).fill(request), signal, {
        stream,
        onUsage: usage.onUsage,
      }),
    );
    const events = admitted.map((generation) => generation.events);
    // The prompt's exact size, known now (counted before admission): cortex puts it in an Anthropic
    // stream's `message_start`, which goes out before any usage does.
    const countHeaders = { "x-helexa-prompt-tokens": String(admitted[0]?.promptTokens ?? 0) };
    const meta = { id: newId("chatcmpl-"), created: unixSeconds(deps.now?.()), model: body.model };
    if (stream) {
      const includeUsage = body.stream_options?.include_usage === true;
      return sseResponse(
        (sink, streamSignal) =>
          streamChatCompletion(sink, events, meta, includeUsage, streamSignal, withLogprobs),
        {
          keepAliveMs: deps.keepAliveMs ?? 15_000,
          signal,
          outgoing: nodeOutgoing(c),
          headers: countHeaders,
          onError: (error) => deps.logger.error({ err: error }, "chat stream failed"),
        },
      );
    }
    const results = await Promise.all(events.map((choice) => collectGeneration(choice)));
    return c.json(buildChatCompletion(results, meta, withLogprobs), 200, countHeaders);
  });
}
