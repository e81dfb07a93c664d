import { prefixBlockHashes } from "@helexa/core";
import { Hono } from "hono";
import type { NeuronAppDeps } from "../app-deps.js";
import { nodeOutgoing } from "../http/node-outgoing.js";
import { readJsonBody } from "../http/read-json-body.js";
import { sseResponse } from "../http/sse-response.js";
import { collectGeneration } from "../wire/collect-generation.js";
import { newId, unixSeconds } from "../wire/response-ids.js";
import { responsesRequestSchema } from "../wire/responses-request.js";
import { buildResponse } from "../wire/responses-response.js";
import { streamResponses } from "../wire/stream-responses.js";
import { toEngineResponsesRequest } from "../wire/to-engine-responses-request.js";
import { trackRequestUsage } from "./request-usage.js";

/** The id cortex resolved a chained request from (echoed only): a short visible-ASCII id, else null. */
function previousResponseIdHeader(value: string | undefined): string | null {
  return value !== undefined && /^[\x21-\x7e]{1,256}$/.test(value) ? value : null;
}

/** `POST /v1/responses` (OpenAI Responses API), streaming and not. */
export function responsesRoutes(deps: NeuronAppDeps): Hono {
  return new Hono().post("/v1/responses", async (c) => {
    const body = await readJsonBody(c, responsesRequestSchema, deps.config.max_body_bytes);
    const request = {
      ...toEngineResponsesRequest(body),
      prefixBlocks: prefixBlockHashes("/v1/responses", body),
    };
    const signal = c.req.raw.signal;
    const stream = body.stream === true;
    const usage = trackRequestUsage(c, deps);
    const admitted = await usage.admit(() =>
      deps.registry.admit(body.model, request, signal, { stream, onUsage: usage.onUsage }),
    );
    const meta = {
      id: newId("resp_"),
      messageId: newId("msg_"),
      reasoningId: newId("rs_"),
      createdAt: unixSeconds(deps.now?.()),
      body,
      previousResponseId: previousResponseIdHeader(c.req.header("x-helexa-previous-response-id")),
    };
    if (stream) {
      return sseResponse((sink, streamSignal) => streamResponses(sink, admitted.events, meta, streamSignal), {
        keepAliveMs: deps.keepAliveMs ?? 15_000,
        signal,
        outgoing: nodeOutgoing(c),
        onError: (error) => deps.logger.error({ err: error }, "responses stream failed"),
      });
    }
    return c.json(buildResponse(await collectGeneration(admitted.events), meta));
  });
}
