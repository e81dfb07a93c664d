import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { Registry } from "prom-client";
import { createMessagesRoutes } from "./anthropic/messages-route.js";
import { type AppDeps, createCortexApp } from "./app.js";
import { ConfigError, type LoadedCortexConfig, loadCortexConfig } from "./config/load-cortex-config.js";
import { listenUrl, parseListenAddress } from "./config/parse-listen-address.js";
import { toAppConfig } from "./config/to-app-config.js";
import { fetchRequestUsage } from "./dispatch/internal/finish-response.js";
import { computeCost } from "./entitlements/compute-cost.js";
import { createEntitlements } from "./entitlements/create-entitlements.js";
import { createSharedEntitlements } from "./entitlements/create-shared-entitlements.js";
import { createEntitlementMetrics } from "./entitlements/entitlement-metrics.js";
import type { EntitlementsWithUsage } from "./entitlements/entitlements.js";
import { lookUpLeftoverHolds } from "./entitlements/look-up-leftover-holds.js";
import { createUsageRoutes } from "./entitlements/usage-route.js";
import { createHttpFetch } from "./fleet/create-http-fetch.js";
import { createPoller } from "./fleet/create-poller.js";
import { FleetState } from "./fleet/fleet-state.js";
import { createStdoutDestination } from "./internal/create-stdout-destination.js";
import type { Logger } from "./internal/logger.js";
import { createJoinRoute } from "./join/create-join-route.js";
import { createMemoryRegistrationStore } from "./join/create-memory-registration-store.js";
import { createRegistrationSync, type RegistrationSync } from "./join/create-registration-sync.js";
import { withJoinRoute } from "./join/with-join-route.js";
import type { LedgerStore } from "./ledger-store/ledger-store.js";
import { openLedgerStore } from "./ledger-store/open-ledger-store.js";
import type { ResponseStore } from "./responses/response-store.js";
import { createApiServer } from "./server/create-api-server.js";

export interface ServeOptions {
  configPath: string;
  env: Record<string, string | undefined>;
}

/** A running cortex: its URLs and an orderly stop. */
export interface RunningCortex {
  url: string;
  metricsUrl: string;
  stop(): Promise<void>;
}

/** How long SIGTERM waits for open responses (streams) before closing them. */
const DRAIN_TIMEOUT_MS = 30_000;

/**
 * `cortex serve`: the only place that reads config and the environment. Loads `cortex.toml`, builds the
 * fleet, entitlements (when keys are configured), the poller, the metrics listener and the API listener,
 * then logs one `{"event":"listening","url":…,"metrics_url":…}` line.
 */
export async function startCortex(options: ServeOptions): Promise<RunningCortex> {
  const loaded = await loadCortexConfig(options.configPath, options.env);
  const { config } = loaded;
  const gateway = config.gateway;
  const logger: Logger = pino({ level: options.env.CORTEX_LOG_LEVEL ?? "info" }, createStdoutDestination());
  const registry = new Registry();
  // The ledger store: with `[ledger] url`, one PostgreSQL for every gateway (budgets, stored responses,
  // registrations); else the SQLite file when keys are configured or neurons may join (`[join]`: gateways
  // sharing the file share the registrations); open on SQLite without `[join]`, none (all in memory).
  const keyed = config.entitlements.require_auth || config.entitlements.keys.length > 0;
  const ledgerStore =
    config.ledger.url === undefined && !keyed && config.join === undefined
      ? undefined
      : await openLedgerStore(config.ledger, {
          onError: (error) => logger.error({ err: error }, "ledger background write failed"),
        });
  const sharedLedger = ledgerStore?.kind === "postgres" ? ledgerStore : undefined;
  const entitlements = await buildEntitlements(loaded, logger, registry, sharedLedger);
  const fleet = new FleetState(config.neurons, loaded.catalogue);
  // Polls go over Node's http.request with keep-alive: a round over hundreds of neurons every interval costs
  // a fraction of the CPU the global fetch does (the bench's fleet group measures it).
  const pollFetch = createHttpFetch();
  const poller = createPoller({
    fleet,
    fetch: pollFetch,
    logger,
    intervalMs: gateway.poll_interval_ms,
    timeoutMs: gateway.poll_timeout_ms,
    unhealthyAfterFailures: gateway.unhealthy_after_failures,
    now: Date.now,
  });
  // A random order among equally loaded replicas per gateway (see DispatchSettings.tieBreakSalt).
  const appConfig = { ...toAppConfig(config), tieBreakSalt: randomUUID() };

  const extraRoutes: NonNullable<AppDeps["extraRoutes"]>[number][] = [
    ({ dispatch }) => createMessagesRoutes({ dispatch, maxBodyBytes: gateway.max_body_bytes }),
  ];
  if (entitlements !== undefined) extraRoutes.push(() => createUsageRoutes({ entitlements }));
  // With a ledger, stored responses live in it (a connection of its own); open, in memory (the app's default).
  const responseStore: ResponseStore | undefined = ledgerStore?.responses;
  const cortex = createCortexApp({
    fleet,
    fetch: globalThis.fetch,
    clock: { now: Date.now },
    registry,
    logger,
    entitlements,
    config: appConfig,
    refreshNode: (name) => poller.pollNode(name),
    refreshFleet: () => poller.pollOnce(),
    extraRoutes,
    ...(responseStore === undefined ? {} : { responseStore }),
  });

  const metricsAddress = parseListenAddress(gateway.metrics_listen);
  const metricsServer = createServer((request, response) => {
    if (request.method !== "GET" || !(request.url === "/metrics" || request.url === "/")) {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { "content-type": registry.contentType }).end(text),
      () => response.writeHead(500).end(),
    );
  });
  // What cortex holds besides its listeners, released the same way on every way out.
  let syncTimer: NodeJS.Timeout | undefined;
  const release = async () => {
    if (syncTimer !== undefined) clearTimeout(syncTimer);
    syncTimer = undefined;
    pollFetch.close();
    cortex.close();
    responseStore?.close();
    await entitlements?.dispose();
    await ledgerStore?.close();
  };
  const metricsPort = await listen(metricsServer, metricsAddress.hostname, metricsAddress.port).catch(
    async (error: unknown) => {
      await release();
      throw listenError(error, "gateway.metrics_listen", gateway.metrics_listen);
    },
  );

  // Neurons that join by themselves (`[join]`): a route taking the join token, and a sync of the store's
  // live registrations into the fleet every poll interval and after each registration received.
  const staticNames = new Set(config.neurons.map((neuron) => neuron.name));
  let registrations: RegistrationSync | undefined;
  let api = cortex.app;
  if (config.join !== undefined) {
    const store = ledgerStore?.registrations ?? createMemoryRegistrationStore();
    const sync = createRegistrationSync({
      fleet,
      store,
      now: Date.now,
      logger,
      onAdded: (name) => poller.pollNode(name),
    });
    registrations = sync;
    const joinRoute = createJoinRoute({
      token: config.join.token,
      store,
      ttlMs: config.join.ttl_ms,
      now: Date.now,
      isStaticNeuron: (name) => staticNames.has(name),
      onChange: () => sync.sync(),
      logger,
    });
    api = withJoinRoute(cortex.app, joinRoute);
    const resync = () => {
      sync
        .sync()
        .catch((error: unknown) =>
          logger.warn({ event: "registration_sync_failed", err: error }, "could not read registrations"),
        )
        .finally(() => {
          if (syncTimer !== undefined) syncTimer = setTimeout(resync, gateway.poll_interval_ms);
        });
    };
    syncTimer = setTimeout(resync, 0);
  }

  const apiAddress = parseListenAddress(gateway.listen);
  const apiServer = createApiServer({ app: api, serveDirect: cortex.serveDirect });
  const apiPort = await listen(apiServer, apiAddress.hostname, apiAddress.port).catch(
    async (error: unknown) => {
      await closeServer(metricsServer);
      await release();
      throw listenError(error, "gateway.listen", gateway.listen);
    },
  );
  poller.start();

  const url = listenUrl(apiAddress.hostname, apiPort);
  const metricsUrl = `${listenUrl(metricsAddress.hostname, metricsPort)}/metrics`;
  logger.info(
    {
      event: "listening",
      url,
      metrics_url: metricsUrl,
      neurons: fleet.nodes.length,
      models: loaded.catalogue.models.length,
      auth: entitlements !== undefined,
      join: registrations !== undefined,
    },
    "cortex listening",
  );

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      logger.info({ event: "stopping" }, "cortex stopping");
      poller.stop();
      if (syncTimer !== undefined) clearTimeout(syncTimer);
      syncTimer = undefined;
      const drained = closeServer(apiServer);
      const timer = setTimeout(() => apiServer.closeAllConnections(), DRAIN_TIMEOUT_MS);
      timer.unref();
      await drained;
      clearTimeout(timer);
      await closeServer(metricsServer);
      await release();
      logger.info({ event: "stopped" }, "cortex stopped");
    })();
    return stopping;
  };
  return { url, metricsUrl, stop };
}

/**
 * Keys, budgets and the ledger (SQLite, or the shared PostgreSQL store), when `[entitlements]` configures
 * keys or `require_auth`. Without them cortex runs open and keeps no ledger, so a bare fleet pays nothing
 * per request.
 */
async function buildEntitlements(
  loaded: LoadedCortexConfig,
  logger: Logger,
  registry: Registry,
  sharedLedger: LedgerStore | undefined,
): Promise<EntitlementsWithUsage | undefined> {
  const { config, catalogue } = loaded;
  if (!config.entitlements.require_auth && config.entitlements.keys.length === 0) return undefined;
  const costs = new Map(catalogue.models.map((model) => [model.id, model.cost]));
  const neurons = config.neurons.map((neuron) => ({
    endpoint: neuron.endpoint,
    authToken: neuron.auth_token,
  }));
  if (sharedLedger !== undefined) {
    return createSharedEntitlements({
      config: config.entitlements,
      store: sharedLedger,
      leaseMs: config.ledger.lease_seconds * 1000,
      costFor: (model, usage) => computeCost(costs.get(model), usage),
      logger,
      metrics: createEntitlementMetrics(registry),
      // A dead gateway's request may have finished on its neuron, which still knows what it generated.
      lookUpUsage: async (requestId) => {
        for (const neuron of neurons) {
          const answer = await fetchRequestUsage(neuron.endpoint, neuron.authToken, requestId, 1_000, 1);
          if (answer?.state === "finished") return answer.usage;
        }
        return undefined;
      },
    });
  }
  // Holds a crash left are charged at what their neurons say was generated, when they still know.
  const leftoverUsage = await lookUpLeftoverHolds(
    config.ledger.path,
    config.neurons.map((neuron) => ({ endpoint: neuron.endpoint, authToken: neuron.auth_token })),
  );
  return createEntitlements({
    leftoverUsage,
    config: config.entitlements,
    ledgerPath: config.ledger.path,
    costFor: (model, usage) => computeCost(costs.get(model), usage),
    logger,
    metrics: createEntitlementMetrics(registry),
  });
}

function listen(server: Server, hostname: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, hostname, () => resolve((server.address() as AddressInfo).port));
  });
}

/** A bind failure an operator can fix, as a one-line `ConfigError` naming the key; anything else as is. */
function listenError(error: unknown, key: string, address: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason =
    code === "EADDRINUSE"
      ? "address already in use"
      : code === "EACCES"
        ? "permission denied (ports below 1024 need privileges)"
        : code === "EADDRNOTAVAIL" || code === "ENOTFOUND"
          ? "address not available on this host"
          : undefined;
  return reason === undefined ? error : new ConfigError(`cannot listen on ${key} = "${address}": ${reason}`);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
