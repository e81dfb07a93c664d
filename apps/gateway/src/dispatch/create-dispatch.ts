import { randomUUID } from "node:crypto";
import {
  CANONICAL_OUTPUT_LIMIT_FIELD,
  type EvictionStrategy,
  estimatePromptTokens,
  HelexaError,
  type IndexedFleet,
  indexFleet,
  missingModelField,
  planRoute,
  type RouteCandidate,
  routeRefusalToError,
  serviceUnavailable,
} from "@helexa/core";
import type { ColdLoader } from "../cold-load/create-cold-loader.js";
import type { Entitlements, Reservation, SettleDetails, Usage } from "../entitlements/entitlements.js";
import { describeUnhealthyNodes } from "../fleet/describe-unhealthy-nodes.js";
import type { FleetState } from "../fleet/fleet-state.js";
import { clientHeader } from "../internal/client-headers.js";
import type { Logger } from "../internal/logger.js";
import { validRequestId } from "../internal/valid-request-id.js";
import type { CortexMetrics } from "../metrics/create-cortex-metrics.js";
import type { UpstreamClient } from "../proxy/create-upstream-client.js";
import { prepareResponsesTurn, type ResponsesTurn } from "../responses/prepare-responses-turn.js";
import type { ResponseStore } from "../responses/response-store.js";
import type { Dispatch, DispatchRequest } from "./dispatch.js";
import { awaitColdLoad } from "./internal/await-cold-load.js";
import { commitKeepAlive } from "./internal/commit-keep-alive.js";
import { type ForwardDeps, forward, type RequestState } from "./internal/forward.js";
import {
  createPrefixCacheRanker,
  planReservation,
  preValidate,
  type RoutingSettings,
} from "./internal/plan-candidates.js";

/** Dispatch tuning, from `[gateway]` in `cortex.toml`. */
export interface DispatchSettings {
  maxAttempts: number;
  upstreamIdleTimeoutMs: number;
  /** Bound on the wait for response headers of a non-streaming request (the whole generation). */
  upstreamResponseTimeoutMs: number;
  coldLoadWaitMs: number;
  unhealthyAfterFailures: number;
  evictionStrategy: EvictionStrategy;
  /** A streaming request waiting on a cold load gets SSE keep-alives after this long… */
  keepAliveAfterMs: number;
  /** …every this long. */
  keepAliveIntervalMs: number;
  /** `[routing]`; absent = least busy. */
  routing?: RoutingSettings;
  /**
   * This gateway's order among equally loaded replicas (planRoute's `tieBreakSalt`): cortex picks one at
   * random at start, so gateways sharing a fleet spread a burst instead of all sending it to the first
   * replica by name before their next poll shows each other's load. Absent: by name.
   */
  tieBreakSalt?: string;
}

export interface DispatchDeps {
  fleet: FleetState;
  /** Inference calls to neurons (keep-alive, on undici's dispatcher). */
  upstream: UpstreamClient;
  clock: { now(): number };
  metrics: CortexMetrics;
  logger: Logger;
  entitlements?: Entitlements | undefined;
  coldLoader: ColdLoader;
  settings: DispatchSettings;
  /** Stored Responses API replies (`store`, `previous_response_id`); none: the route passes through. */
  responses?: ResponseStore | undefined;
}

/**
 * The one implementation of `Dispatch`: plan (aliases, health, least-busy replicas, cold load), prompt
 * pre-validation, budget reservation, cold load (single-flight, with SSE keep-alives for streams), then
 * the neuron call with fall-through to the next replica on backpressure. Refusals throw `HelexaError`;
 * the caller renders them in its dialect.
 */
export function createDispatch(deps: DispatchDeps): Dispatch {
  const { fleet, metrics, settings } = deps;
  const catalogue = fleet.catalogue;
  // Built once: what every request's forward and finish share.
  const forwardDeps: ForwardDeps = {
    fleet,
    upstream: deps.upstream,
    metrics,
    logger: deps.logger,
    now: () => deps.clock.now(),
    maxAttempts: settings.maxAttempts,
    idleTimeoutMs: settings.upstreamIdleTimeoutMs,
    responseTimeoutMs: settings.upstreamResponseTimeoutMs,
    unhealthyAfterFailures: settings.unhealthyAfterFailures,
  };
  const rankByCacheOrder = createPrefixCacheRanker(fleet, settings.routing, metrics, () => deps.clock.now());

  // Re-indexing reuses the last index for nodes (and model groups) that did not change since.
  let indexed: IndexedFleet | undefined;
  const planOptions = {
    evictionStrategy: settings.evictionStrategy,
    // A cold load is tried on at most this many nodes: the planner builds no more candidates than that.
    maxColdCandidates: settings.maxAttempts,
    ...(settings.tieBreakSalt === undefined ? {} : { tieBreakSalt: settings.tieBreakSalt }),
  };
  const plan = (requested: string): { model: string; candidates: RouteCandidate[] } => {
    indexed = indexFleet(fleet.snapshot(), indexed);
    const result = planRoute(indexed, requested, catalogue.models, catalogue.aliases, planOptions);
    if (result.ok) return result.plan;
    const refusal = result.refusal;
    const error =
      refusal.kind === "no_healthy_nodes"
        ? serviceUnavailable(
            `no healthy nodes available (${describeUnhealthyNodes(fleet)})`,
            refusal.retryAfterSecs,
          )
        : routeRefusalToError(refusal);
    metrics.refusals.inc({ code: error.code ?? "unknown" });
    throw error;
  };

  const replan = (requested: string): RouteCandidate[] => {
    try {
      return plan(requested).candidates;
    } catch {
      return [];
    }
  };

  return async function dispatch(original: DispatchRequest): Promise<Response> {
    // The neuron gets a fresh id per request (its usage is looked up by it); the client gets its own back,
    // on refusals too.
    const requestId = randomUUID();
    const clientRequestId = validRequestId(clientHeader(original.headers, "x-request-id")) ?? requestId;
    try {
      let request = original;
      let turn: ResponsesTurn | undefined;
      if (request.route === "/v1/responses" && deps.responses !== undefined) {
        turn = await prepareResponsesTurn(request.body, request.identity?.keyId ?? null, {
          store: deps.responses,
          logger: deps.logger,
          now: () => deps.clock.now(),
        });
        if (turn.changed) request = { ...request, body: turn.body, rawBody: undefined };
      }
      const startedAt = request.startedAt ?? performance.now();
      const requested = request.body.model;
      if (typeof requested !== "string" || requested === "") throw missingModelField();
      const planned = plan(requested);
      const model = planned.model;
      let candidates = planned.candidates;
      const metered = request.route !== "/v1/tokenize";
      const estimateBody = request.originalBody ?? request.body;
      let estimate: number | null = null;
      if (metered) {
        try {
          const checked = preValidate(
            fleet,
            model,
            candidates,
            estimateBody,
            clientHeader(request.headers, "user-agent"),
            request.route,
          );
          candidates = checked.candidates;
          estimate = checked.estimate;
        } catch (error) {
          metrics.refusals.inc({ code: "context_length_exceeded" });
          throw error;
        }
      }
      // Cache-aware order among the replicas the prompt fits (the request's prefix blocks are hashed once).
      if (metered) candidates = rankByCacheOrder(model, candidates, request);
      const promptEstimate = () => {
        estimate ??= estimatePromptTokens(estimateBody);
        return estimate;
      };
      let reservation: Reservation | null = null;
      let outputLimit: number | undefined;
      if (metered && request.route !== "/v1/tokenize" && deps.entitlements !== undefined) {
        const planned = planReservation(fleet, model, candidates, request, request.route, promptEstimate());
        const reserved = deps.entitlements.reserve(request.identity, planned.tokens, {
          model,
          requestId,
          promptTokens: planned.promptTokens,
        });
        // A shared ledger answers later; the in-process one at once, and dispatch then stays in this tick.
        reservation = reserved instanceof Promise ? await reserved : reserved;
        // Anonymous callers are never limited, so their bodies go as sent.
        if (request.identity !== null) outputLimit = planned.outputLimit;
      }
      const guard = createSettleGuard(deps.entitlements, reservation, model, requestId);
      const stream = request.body.stream === true;
      const cold = candidates[0]?.coldLoad === true;

      const state = (servedBy: RouteCandidate[], waitedMs: number): RequestState => ({
        route: request.route,
        model,
        candidates: servedBy,
        body: buildUpstreamBody(request, model, outputLimit),
        requestId,
        clientRequestId,
        clientHeaders: request.headers,
        identity: request.identity,
        signal: request.signal,
        stream,
        guard,
        startedAt,
        waitedMs,
        coldStart: cold,
        promptEstimate,
        responsesTurn: turn,
        // A stream committed to keep-alives pipes a Response into its own body.
        outgoing: cold && stream ? undefined : request.outgoing,
      });
      const failed = (error: unknown): never => {
        guard.release(null, request.signal.aborted ? "aborted" : "error");
        throw error;
      };

      // The common case, a warm replica: forward at once, with no closure or extra async step around it.
      if (!cold) {
        try {
          return await forward(forwardDeps, state(candidates, 0));
        } catch (error) {
          return failed(error);
        }
      }

      const serve = async (): Promise<Response> => {
        try {
          const waitStarted = performance.now();
          const node = await awaitColdLoad({
            coldLoader: deps.coldLoader,
            model,
            candidates,
            maxAttempts: settings.maxAttempts,
            waitMs: settings.coldLoadWaitMs,
            signal: request.signal,
          });
          const waitedMs = performance.now() - waitStarted;
          return await forward(forwardDeps, state(loadedCandidates(replan(requested), node), waitedMs));
        } catch (error) {
          return failed(error);
        }
      };

      if (stream) {
        return await commitKeepAlive(serve(), {
          afterMs: settings.keepAliveAfterMs,
          intervalMs: settings.keepAliveIntervalMs,
          route: request.route,
        });
      }
      return await serve();
    } catch (error) {
      throw HelexaError.is(error) ? error.withHeaders({ "x-request-id": clientRequestId }) : error;
    }
  };
}

/** After a cold load: the replicas now serving the model, the freshly loaded node first if still cold-listed. */
function loadedCandidates(replanned: RouteCandidate[], loadedOn: string): RouteCandidate[] {
  const warm = replanned.filter((candidate) => !candidate.coldLoad);
  if (warm.some((candidate) => candidate.node === loadedOn)) return warm;
  return [
    { node: loadedOn, coldLoad: false, reason: "least_busy", score: 0, busy: 0, queueFull: false, evict: [] },
    ...warm,
  ];
}

/**
 * The request text for the neuron. The client's bytes go as they came unless something must change:
 * `model` when an alias resolved, and, when budget was reserved, the output limit it was reserved for in
 * the route's canonical field (the neuron reads it first, so it never generates more than was held).
 * Usage options are the client's own: metering asks the neuron for usage separately
 * (`GET /v1/requests/{id}/usage`), so a stream carries a usage chunk only when the client asked.
 */
function buildUpstreamBody(request: DispatchRequest, model: string, outputLimit?: number): string {
  const body = withOutputLimit(request, outputLimit);
  const unchanged = body === request.body && body.model === model;
  if (unchanged && request.rawBody !== undefined) return request.rawBody;
  return JSON.stringify(body.model === model ? body : { ...body, model });
}

function withOutputLimit(request: DispatchRequest, outputLimit: number | undefined): Record<string, unknown> {
  if (outputLimit === undefined || request.route === "/v1/tokenize") return request.body;
  const field = CANONICAL_OUTPUT_LIMIT_FIELD[request.route];
  if (request.body[field] === outputLimit) return request.body;
  return { ...request.body, [field]: outputLimit };
}

/** Settles or releases one budget reservation exactly once, whichever path a request ends on. */
export interface SettleGuard {
  /** Whether a budget hold is behind it (API keys on): only then is a request charged. */
  readonly metered: boolean;
  settle(usage: Usage, node: string | null, outcome: SettleDetails["outcome"]): void;
  release(node: string | null, outcome: SettleDetails["outcome"]): void;
  /**
   * Settles with usage still to be learned (the neuron's record of what it generated): the hold stays
   * until `usage` resolves; null (unknown) settles with `fallback`. Later settles and releases do nothing.
   */
  settleWhenKnown(
    usage: Promise<Usage | null>,
    fallback: Usage,
    node: string | null,
    outcome: SettleDetails["outcome"],
  ): void;
  /** What the hold would charge if nothing better is known: its prompt estimate, the rest as output. */
  reservedUsage(promptEstimate: number): Usage;
}

const NOOP: SettleGuard = {
  metered: false,
  settle() {},
  release() {},
  settleWhenKnown(usage) {
    usage.catch(() => {});
  },
  reservedUsage: (promptEstimate) => ({ promptTokens: promptEstimate, completionTokens: 0 }),
};

function createSettleGuard(
  entitlements: Entitlements | undefined,
  reservation: Reservation | null,
  model: string,
  requestId?: string,
): SettleGuard {
  if (entitlements === undefined || reservation === null) return NOOP;
  let done = false;
  const details = (node: string | null, outcome: SettleDetails["outcome"]): SettleDetails => ({
    model,
    node,
    outcome,
    ...(requestId === undefined ? {} : { requestId }),
  });
  return {
    metered: true,
    settle(usage, node, outcome) {
      if (done) return;
      done = true;
      entitlements.settle(reservation, usage, details(node, outcome));
    },
    release(node, outcome) {
      if (done) return;
      done = true;
      entitlements.release(reservation, details(node, outcome));
    },
    settleWhenKnown(usage, fallback, node, outcome) {
      if (done) {
        usage.catch(() => {});
        return;
      }
      done = true;
      void usage
        .catch(() => null)
        .then((known) => entitlements.settle(reservation, known ?? fallback, details(node, outcome)));
    },
    reservedUsage(promptEstimate) {
      const prompt = Math.min(reservation.tokens, Math.max(0, Math.ceil(promptEstimate)));
      return { promptTokens: prompt, completionTokens: reservation.tokens - prompt };
    },
  };
}
