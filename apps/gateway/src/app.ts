import { methodNotAllowed, routeNotFound } from "@helexa/core";
import { Hono } from "hono";
import type { Registry } from "prom-client";
import { type ColdLoader, createColdLoader } from "./cold-load/create-cold-loader.js";
import { createDispatch, type DispatchSettings } from "./dispatch/create-dispatch.js";
import type { Dispatch } from "./dispatch/dispatch.js";
import type { Entitlements } from "./entitlements/entitlements.js";
import { createErrorHandler } from "./errors/create-error-handler.js";
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
import { createHealthRoute } from "./routes/health.js";
import { createProxyRoute } from "./routes/internal/create-proxy-route.js";
import { createModelsRoute } from "./routes/models.js";
import { otherMethods, PASS_THROUGH_ROUTES } from "./routes/route-table.js";
import { createServePassThrough } from "./routes/serve-pass-through.js";
import { createStoredResponsesRoute } from "./routes/stored-responses.js";
import { createDirectProxy, type DirectListener } from "./server/create-api-server.js";
import { createDashboard } from "./ui/create-dashboard.js";

/** What `createApp` needs; everything with I/O or time is injected. */
export interface AppDeps {
  fleet: FleetState;
  /** Control calls to neurons (load, unload). */
  fetch: FetchFunction;
  /** Inference calls to neurons; default a keep-alive client (undici's dispatcher) owned by the app. */
  upstream?: UpstreamClient;
  clock: { now(): number };
  registry: Registry;
  logger: Logger;
  entitlements?: Entitlements | undefined;
  config: AppConfig;
  /** Refreshes one node after a cold load (the poller's `pollNode`); a no-op when absent. */
  refreshNode?: (name: string) => Promise<void>;
  /** Polls every node now, before a cold load starts (the poller's `pollOnce`); absent: no refresh. */
  refreshFleet?: () => Promise<void>;
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
    ...(deps.refreshFleet === undefined ? {} : { refreshFleet: deps.refreshFleet }),
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
    // The app's router is the route table: a path some route takes with another method is a 405.
    if (otherMethods(app, c.req.method, c.req.path).length > 0) {
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
  // The dashboard (`/ui`, `/admin/*`, and `/` for a browser) checks keys itself (header or login cookie).
  const dashboard = createDashboard({
    ...deps,
    coldLoader,
    refreshNode: deps.refreshNode ?? (async () => {}),
    controlTimeoutMs: config.controlTimeoutMs,
  });
  app.route("/", dashboard.routes);
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
  // The pass-through routes' Hono adapter (browsers); `serveDirect` below is their Node adapter.
  const passThroughDeps = { dispatch, logger: deps.logger, maxBodyBytes: config.maxBodyBytes };
  const servePassThrough = createServePassThrough(passThroughDeps);
  for (const route of PASS_THROUGH_ROUTES) app.route("/", createProxyRoute(route, servePassThrough));
  app.route("/", createStoredResponsesRoute(responseStore));
  for (const build of deps.extraRoutes ?? [])
    app.route("/", build({ dispatch, fleet, config }) as Hono<AppEnv>);
  const serveDirect = createDirectProxy({ ...passThroughDeps, entitlements: deps.entitlements });
  return {
    app,
    dispatch,
    metrics,
    coldLoader,
    serveDirect,
    close: () => {
      upstream.close();
      dashboard.close();
    },
  };
}

/** `createCortexApp(deps).app`: the Hono app alone. */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  return createCortexApp(deps).app;
}
