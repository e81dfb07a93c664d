export {
  type AppConfig,
  type AppDeps,
  type CortexApp,
  createApp,
  createCortexApp,
  type RouteContext,
} from "./app.js";
export { type ColdLoader, createColdLoader } from "./cold-load/create-cold-loader.js";
export { ConfigError, type LoadedCortexConfig, loadCortexConfig } from "./config/load-cortex-config.js";
export { toAppConfig } from "./config/to-app-config.js";
export { createDispatch, type DispatchDeps, type DispatchSettings } from "./dispatch/create-dispatch.js";
export type { ClientDialect, Dispatch, DispatchRequest, UpstreamRoute } from "./dispatch/dispatch.js";
export type {
  Entitlements,
  Identity,
  Reservation,
  SettleDetails,
  Usage,
} from "./entitlements/entitlements.js";
export { dialectOfPath, renderErrorResponse } from "./errors/render-error-response.js";
export { createPoller, type Poller } from "./fleet/create-poller.js";
export { FleetState } from "./fleet/fleet-state.js";
export type { FetchFunction } from "./fleet/neuron-client.js";
export type { NodeState } from "./fleet/node-state.js";
export type { AppEnv } from "./internal/app-env.js";
export type { Logger } from "./internal/logger.js";
export type { LedgerStore } from "./ledger-store/ledger-store.js";
export { openLedgerStore } from "./ledger-store/open-ledger-store.js";
export { type RunningCortex, type ServeOptions, startCortex } from "./main.js";
export { type CortexMetrics, createCortexMetrics } from "./metrics/create-cortex-metrics.js";
export {
  type BodyReader,
  createUpstreamClient,
  type UpstreamBody,
  type UpstreamClient,
  type UpstreamReply,
} from "./proxy/create-upstream-client.js";
export { runStatusCommand } from "./status/run-status-command.js";
