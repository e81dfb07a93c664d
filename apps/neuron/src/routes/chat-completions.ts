import { prefixBlockHashes } from "@helexa/core";
import type { Hono } from "hono";
import type { NeuronAppDeps } from "../app-deps.js";
import { chatCompletionRequestSchema } from "../wire/chat-completion-request.js";
import { buildChatCompletion } from "../wire/chat-completion-response.js";
import { collectGeneration } from "../wire/collect-generation.js";
import { newId, unixSeconds } from "../wire/response-ids.js";
import { streamChatCompletion } from "../wire/stream-chat-completion.js";
import { toEngineChatRequest } from "../wire/to-engine-chat-request.js";
import { admitChoices } from "./admit-choices.js";
import { createGenerationRoute } from "./internal/create-generation-route.js";

/**
 * `POST /v1/chat/completions`, streaming and not, `n` choices (see `admitChoices`). Errors before the stream
 * opens are plain envelopes. Replies carry `x-helexa-prompt-tokens`: the prompt's exact token count.
 */
export function chatCompletionsRoutes(deps: NeuronAppDeps): Hono {
  return createGenerationRoute(deps, {
    path: "/v1/chat/completions",
    schema: chatCompletionRequestSchema,
    streamFailure: "chat stream failed",
    prepare(body) {
      const request = {
        ...toEngineChatRequest(body),
        prefixBlocks: prefixBlockHashes("/v1/chat/completions", body),
      };
      const withLogprobs = request.sampling.logprobs !== undefined;
      return {
        admit: ({ signal, stream, onUsage }) =>
          admitChoices(deps, body.model, Array(body.n ?? 1).fill(request), signal, { stream, onUsage }),
        answer(admitted) {
          const events = admitted.map((generation) => generation.events);
          const meta = { id: newId("chatcmpl-"), created: unixSeconds(deps.now?.()), model: body.model };
          const includeUsage = body.stream_options?.include_usage === true;
          return {
            // The prompt's exact size, known now (counted before admission): cortex puts it in an
            // Anthropic stream's `message_start`, which goes out before any usage does.
            headers: { "x-helexa-prompt-tokens": String(admitted[0]?.promptTokens ?? 0) },
            stream: (sink, signal) =>
              streamChatCompletion(sink, events, meta, includeUsage, signal, withLogprobs),
            whole: async () =>
              buildChatCompletion(
                await Promise.all(events.map((choice) => collectGeneration(choice))),
                meta,
                withLogprobs,
              ),
          };
        },
      };
    },
  });
}
