import { Hono } from "hono";
import type { NeuronAppDeps } from "../app-deps.js";
import { readJsonBody } from "../http/read-json-body.js";
import type { EngineRequest } from "../ipc/engine-request.js";
import { toEngineChatRequest } from "../wire/to-engine-chat-request.js";
import { tokenizeRequestSchema } from "../wire/tokenize-request.js";

/**
 * `POST /v1/tokenize` → `{model, tokens}`: the prompt counted in the model's worker exactly as the
 * matching chat or completion request would be (chat template and tool documentation applied). No admission.
 */
export function tokenizeRoutes(deps: NeuronAppDeps): Hono {
  return new Hono().post("/v1/tokenize", async (c) => {
    const body = await readJsonBody(c, tokenizeRequestSchema, deps.config.max_body_bytes);
    const sampling = { temperature: 0, stop: [] };
    const request: EngineRequest =
      body.messages === undefined
        ? { kind: "completion", prompt: body.prompt ?? "", responseFormat: { type: "text" }, sampling }
        : toEngineChatRequest({ model: body.model, messages: body.messages, tools: body.tools ?? null });
    const counted = await deps.registry.count(body.model, request);
    return c.json({ model: body.model, tokens: counted.promptTokens });
  });
}
