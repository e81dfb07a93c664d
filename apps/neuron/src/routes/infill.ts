import type { Hono } from "hono";
import type { NeuronAppDeps } from "../app-deps.js";
import { collectGeneration } from "../wire/collect-generation.js";
import { infillRequestSchema } from "../wire/infill-request.js";
import { buildInfill, streamInfill } from "../wire/infill-response.js";
import { toEngineInfillRequest } from "../wire/to-engine-infill-request.js";
import { createGenerationRoute } from "./internal/create-generation-route.js";

/**
 * `POST /infill`: llama.cpp server's fill-in-the-middle route, which editor plugins (llama.vscode and
 * others) call for code completion; streaming and not.
 */
export function infillRoutes(deps: NeuronAppDeps): Hono {
  return createGenerationRoute(deps, {
    path: "/infill",
    schema: infillRequestSchema,
    streamFailure: "infill stream failed",
    prepare(body) {
      const request = toEngineInfillRequest(body);
      return {
        admit: ({ signal, stream, onUsage }) =>
          deps.registry.admit(body.model, request, signal, { stream, onUsage }),
        answer: (admitted) => ({
          stream: (sink, signal) => streamInfill(sink, admitted.events, body.model, signal),
          whole: async () => buildInfill(await collectGeneration(admitted.events), body.model),
        }),
      };
    },
  });
}
