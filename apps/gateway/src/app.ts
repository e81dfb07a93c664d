import { routeNotFound } from "@helexa/core";
import { Hono } from "hono";
import type { Registry } from "prom-client";
import { type ColdLoader, createColdLoader } from "./cold-load/create-cold-loader.js";
import { createDispatch, type DispatchSettings } from "./dispatch/create-dispatch.js";
import type { Dispatch } from "./dispatch/dispatch.js";
import type { Entitlements } from "./entitlements/entitlements.js";
import { createErrorHandler } from "./errors/create-error-handler.js";
import { methodNotAllowed } from "./errors/method-not-allowed.js";
import { dialectOfPath, renderErrorResponse } from "./errors/render-error-response.js";
import type { FleetState } from "./fleet/fleet-state.js";
import type { FetchFunction } from "./fleet/neuron-client.js";
import type { AppEnv } from "./internal/app-env.js";
import type { Logger } from "./internal/logger.js";
import { type CortexMetrics, createCortexMetrics } from "./metrics/create-cortex-metrics.js";
import { createAuthMiddleware } from "./middleware/create-auth-middleware.js";
import { createCorsMiddleware } from "./middleware/create-cors-middleware.js";
import { createRequestIdMiddleware } from "./middleware/create-request-id-middleware.js";
import { createUpstreamClient, type UpstreamClient } from "./proxy/create-upstream-client.js";
import { createMemoryResponseStore } from "./responses/create-memory-response-store.js";
import type { ResponseStore } from "./responses/response-store.js";
import { createChatCompletionsRoute } from "./routes/chat-completions.js";
import { createCompletionsRoute } from "./routes/completions.js";
import { createHealthRoute } from "./routes/health.js";
import { createInfillRoute } from "./routes/infill.js";
import { createModelsRoute } from "./routes/models.js";
import { createResponsesRoute } from "./routes/responses.js";
import { createStoredResponsesRoute } from "./routes/stored-responses.js";
import { createDirectProxy, type DirectListener } from "./server/create-direct-proxy.js";

/** What `createApp` needs; everything with I/O or time is injected. */
export interface AppDeps {
  fleet: FleetState;
  /** Control calls to neurons (load, unload). */
  fetch: FetchFunction;
  /** Inference calls to neurons; default a keep-alive `http.request` client owned by the app. */
  upstream?: UpstreamClient;
  clock: { now(): number };
  registry: Registry;
  logger: Logger;
  entitlements?: Entitlements | undefined;
  config: AppConfig;
  /** Refreshes one node after a cold load (the poller's `pollNode`); a no-op when absent. */
  refreshNode?: (name: string) => Promise<void>;
  /**
   * Stored Responses API replies (`store`, `previous_response_id`, `GET`/`DELETE /v1/responses/{id}`);
   * default an in-memory LRU (`responsesRetentionHours`, 1000 entries, 64 MiB). `main` gives the ledger's table
   * when entitlements are on.
   */
  responseStore?: ResponseStore;
  /** More sub-apps built on the same dispatch (the Anthropic routes), mounted after the OpenAI ones. */
  extraRoutes?: ReadonlyArray<(context: RouteContext) => Hono<AppEnv> | Hono>;
}

/** What an extra sub-app gets to build itself. */
export interface RouteContext {
  dispatch: Dispatch;
  fleet: FleetState;
  config: AppConfig;
}

/** The slice of `cortex.toml` the app uses (plain numbers, so tests can set them directly). */
export interface AppConfig extends DispatchSettings {
  maxBodyBytes: number;
  coldLoadTimeoutMs: number;
  controlTimeoutMs: number;
  defragAfterCycles: number;
  /** How long stored responses are kept (`[ledger] responses_retention_hours`); default 720. */
  responsesRetentionHours?: number;
}

/** The built app plus the pieces other sub-apps (Anthropic routes) and `main` reuse. */
export interface CortexApp {
  app: Hono<AppEnv>;
  dispatch: Dispatch;
  metrics: CortexMetrics;
  coldLoader: ColdLoader;
  /** The real server's fast path for the OpenAI pass-through routes (see `createDirectProxy`). */
  serveDirect: DirectListener;
  /** Closes what the app owns (upstream connections). */
  close(): void;
}

/** Responses an open cortex (no ledger) keeps in memory at most. */
const MEMORY_STORE_ENTRIES = 1000;
/** …and their JSON size together at most. */
const MEMORY_STORE_BYTES = 64 * 1024 * 1024;

/** Known routes, so a wrong method gets 405 rather than 404. */
const KNOWN_PATHS: Record<string, string> = {
  "/v1/chat/completions": "POST",
  "/v1/completions": "POST",
  "/v1/responses": "POST",
  "/infill": "POST",
  "/v1/messages": "POST",
  "/v1/messages/count_tokens": "POST",
  "/v1/usage": "GET",
  "/v1/models": "GET",
  "/health": "GET",
  "/": "GET",
};

/** Known route families (`/v1/models/{id}`, where the id may contain `/`). */
const KNOWN_PREFIXES: ReadonlyArray<readonly [prefix: string, method: string]> = [
  ["/v1/models/", "GET"],
  ["/v1/responses/", "GET"],
];

/** The method a known path takes, or undefined for an unknown path. */
function allowedMethod(path: string): string | undefined {
  const exact = KNOWN_PATHS[path];
  if (exact !== undefined) return exact;
  const family = KNOWN_PREFIXES.find(([prefix]) => path.startsWith(prefix) && path.length > prefix.length);
  return family?.[1];
}

/** The cortex API: CORS, auth (when entitlements are given), one sub-app per upstream API, one onError. */
export function createCortexApp(deps: AppDeps): CortexApp {
  const { fleet, config } = deps;
  const metrics = createCortexMetrics(deps.registry, fleet);
  const coldLoader = createColdLoader({
    fleet,
    fetch: deps.fetch,
    logger: deps.logger,
    metrics,
    loadTimeoutMs: config.coldLoadTimeoutMs,
    controlTimeoutMs: config.controlTimeoutMs,
    defragAfterCycles: config.defragAfterCycles,
    refreshNode: deps.refreshNode ?? (async () => {}),
  });
  const upstream = deps.upstream ?? createUpstreamClient();
  const responseStore =
    deps.responseStore ??
    createMemoryResponseStore({
      maxEntries: MEMORY_STORE_ENTRIES,
      maxBytes: MEMORY_STORE_BYTES,
      retentionMs: (config.responsesRetentionHours ?? 720) * 3_600_000,
      now: () => deps.clock.now(),
    });
  const dispatch = createDispatch({
    fleet,
    upstream,
    clock: deps.clock,
    metrics,
    logger: deps.logger,
    entitlements: deps.entitlements,
    coldLoader,
    settings: config,
    responses: responseStore,
  });
  const app = new Hono<AppEnv>();
  app.onError(createErrorHandler(deps.logger));
  app.notFound((c) => {
    const dialect = dialectOfPath(c.req.path, c.req.raw.headers);
    const allowed = allowedMethod(c.req.path);
    if (allowed !== undefined && allowed !== c.req.method) {
      return renderErrorResponse(methodNotAllowed(c.req.method, c.req.path), dialect);
    }
    return renderErrorResponse(routeNotFound(c.req.method, c.req.path), dialect);
  });
  app.use("*", createRequestIdMiddleware());
  app.use(
    "*",
    createCorsMiddleware({
      exposeHeaders: ["Retry-After", "Server-Timing", "X-Helexa-Advice", "X-Request-Id", "Request-Id"],
    }),
  );
  if (deps.entitlements !== undefined)
    app.use("*", createAuthMiddleware({ entitlements: deps.entitlements }));
  app.route("/", createHealthRoute(fleet));
  app.route(
    "/",
    createModelsRoute(
      fleet,
      () => deps.clock.now(),
      () => coldLoader.inProgress(),
    ),
  );
  app.route("/", createChatCompletionsRoute(dispatch, config.maxBodyBytes));
  app.route("/", createCompletionsRoute(dispatch, config.maxBodyBytes));
  app.route("/", createResponsesRoute(dispatch, config.maxBodyBytes));
  app.route("/", createStoredResponsesRoute(responseStore));
  app.route("/", createInfillRoute(dispatch, config.maxBodyBytes));
  for (const build of deps.extraRoutes ?? [])
    app.route("/", build({ dispatch, fleet, config }) as Hono<AppEnv>);
  const serveDirect = createDirectProxy({
    dispatch,
    entitlements: deps.entitlements,
    logger: deps.logger,
    maxBodyBytes: config.maxBodyBytes,
  });
  return { app, dispatch, metrics, coldLoader, serveDirect, close: () => upstream.close() };
}

/** `createCortexApp(deps).app`: the Hono app alone. */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  return createCortexApp(deps).app;
}
