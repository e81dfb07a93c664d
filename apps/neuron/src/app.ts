import { routeNotFound } from "@helexa/core";
import { Hono } from "hono";
import type { NeuronAppDeps } from "./app-deps.js";
import { bearerAuth } from "./http/bearer-auth.js";
import { recordHttpMetrics } from "./http/record-http-metrics.js";
import { renderErrorResponse } from "./http/render-error-response.js";
import { chatCompletionsRoutes } from "./routes/chat-completions.js";
import { completionsRoutes } from "./routes/completions.js";
import { discoveryRoutes } from "./routes/discovery.js";
import { healthRoutes } from "./routes/health.js";
import { infillRoutes } from "./routes/infill.js";
import { metricsRoutes } from "./routes/metrics.js";
import { modelsRoutes } from "./routes/models.js";
import { openAiModelsRoutes } from "./routes/openai-models.js";
import { requestUsageRoutes } from "./routes/request-usage.js";
import { responsesRoutes } from "./routes/responses.js";
import { tokenizeRoutes } from "./routes/tokenize.js";
import { versionRoutes } from "./routes/version.js";

/** Monitoring routes stay open when `auth_token` is set. */
export const openPaths = ["/health", "/version", "/discovery", "/metrics"] as const;

/** The neuron's HTTP surface over injected deps; every error leaves as an OpenAI envelope. */
export function createApp(deps: NeuronAppDeps): Hono {
  const app = new Hono();
  app.use(recordHttpMetrics(deps.metrics));
  app.use(bearerAuth({ token: deps.config.auth_token, openPaths }));
  for (const routes of [
    versionRoutes,
    discoveryRoutes,
    healthRoutes,
    metricsRoutes,
    modelsRoutes,
    openAiModelsRoutes,
    chatCompletionsRoutes,
    completionsRoutes,
    responsesRoutes,
    infillRoutes,
    tokenizeRoutes,
    requestUsageRoutes,
  ]) {
    app.route("/", routes(deps));
  }
  app.notFound((c) => renderErrorResponse(routeNotFound(c.req.method, c.req.path), deps.logger));
  app.onError((error) => renderErrorResponse(error, deps.logger));
  return app;
}
