import { Hono } from "hono";
import type { NeuronAppDeps } from "../app-deps.js";
import { nodeOutgoing } from "../http/node-outgoing.js";
import { readJsonBody } from "../http/read-json-body.js";
import { sseResponse } from "../http/sse-response.js";
import { collectGeneration } from "../wire/collect-generation.js";
import { infillRequestSchema } from "../wire/infill-request.js";
import { buildInfill, streamInfill } from "../wire/infill-response.js";
import { toEngineInfillRequest } from "../wire/to-engine-infill-request.js";
import { trackRequestUsage } from "./request-usage.js";

/**
 * `POST /infill`: llama.cpp server's fill-in-the-middle route, which editor plugins (llama.vscode and
 * others) call for code completion; streaming and not.
 */
export function infillRoutes(deps: NeuronAppDeps): Hono {
  return new Hono().post("/infill", async (c) => {
    const body = await readJsonBody(c, infillRequestSchema, deps.config.max_body_bytes);
    const request = toEngineInfillRequest(body);
    const signal = c.req.raw.signal;
    const stream = body.stream === true;
    const usage = trackRequestUsage(c, deps);
    const admitted = await usage.admit(() =>
      deps.registry.admit(body.model, request, signal, { stream, onUsage: usage.onUsage }),
    );
    if (stream) {
      return sseResponse(
        (sink, streamSignal) => streamInfill(sink, admitted.events, body.model, streamSignal),
        {
          keepAliveMs: deps.keepAliveMs ?? 15_000,
          signal,
          outgoing: nodeOutgoing(c),
          onError: (error) => deps.logger.error({ err: error }, "infill stream failed"),
        },
      );
    }
    return c.json(buildInfill(await collectGeneration(admitted.events), body.model));
  });
}
