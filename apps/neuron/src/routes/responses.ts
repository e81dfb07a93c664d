import { prefixBlockHashes } from "@helexa/core";
import type { Hono } from "hono";
import type { NeuronAppDeps } from "../app-deps.js";
import { collectGeneration } from "../wire/collect-generation.js";
import { newId, unixSeconds } from "../wire/response-ids.js";
import { responsesRequestSchema } from "../wire/responses-request.js";
import { buildResponse } from "../wire/responses-response.js";
import { streamResponses } from "../wire/stream-responses.js";
import { toEngineResponsesRequest } from "../wire/to-engine-responses-request.js";
import { createGenerationRoute } from "./internal/create-generation-route.js";

/** The id cortex resolved a chained request from (echoed only): a short visible-ASCII id, else null. */
function previousResponseIdHeader(value: string | undefined): string | null {
  return value !== undefined && /^[\x21-\x7e]{1,256}$/.test(value) ? value : null;
}

/** `POST /v1/responses` (OpenAI Responses API), streaming and not. */
export function responsesRoutes(deps: NeuronAppDeps): Hono {
  return createGenerationRoute(deps, {
    path: "/v1/responses",
    schema: responsesRequestSchema,
    streamFailure: "responses stream failed",
    prepare(body, c) {
      const request = {
        ...toEngineResponsesRequest(body),
        prefixBlocks: prefixBlockHashes("/v1/responses", body),
      };
      return {
        admit: ({ signal, stream, onUsage }) =>
          deps.registry.admit(body.model, request, signal, { stream, onUsage }),
        answer(admitted) {
          const meta = {
            id: newId("resp_"),
            messageId: newId("msg_"),
            reasoningId: newId("rs_"),
            createdAt: unixSeconds(deps.now?.()),
            body,
            previousResponseId: previousResponseIdHeader(c.req.header("x-helexa-previous-response-id")),
          };
          return {
            stream: (sink, signal) => streamResponses(sink, admitted.events, meta, signal),
            whole: async () => buildResponse(await collectGeneration(admitted.events), meta),
          };
        },
      };
    },
  });
}
