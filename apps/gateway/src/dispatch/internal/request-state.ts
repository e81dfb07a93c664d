import type { ServerResponse } from "node:http";
import type { RouteCandidate } from "@helexa/core";
import type { Identity } from "../../entitlements/entitlements.js";
import type { FleetState, ReplicaTicket } from "../../fleet/fleet-state.js";
import type { ClientHeaders } from "../../internal/client-headers.js";
import type { Logger } from "../../internal/logger.js";
import type { CortexMetrics } from "../../metrics/create-cortex-metrics.js";
import type { UpstreamCall, UpstreamClient } from "../../proxy/create-upstream-client.js";
import type { ResponsesTurn } from "../../responses/prepare-responses-turn.js";
import type { ClientSignal, UpstreamRoute } from "../dispatch.js";
import type { RequestUsageAnswer } from "./fetch-request-usage.js";
import type { SettleGuard } from "./settle-guard.js";

/** What forwarding needs that is the same for every request: built once, by `createDispatch`. */
export interface ForwardDeps {
  fleet: FleetState;
  upstream: UpstreamClient;
  metrics: CortexMetrics;
  logger: Logger;
  now: () => number;
  maxAttempts: number;
  idleTimeoutMs: number;
  responseTimeoutMs: number;
  unhealthyAfterFailures: number;
}

/** One request from its plan to its settlement: built once by dispatch, read by forward and finish. */
export interface RequestState {
  route: UpstreamRoute;
  model: string;
  candidates: readonly RouteCandidate[];
  /** The body sent to the neuron. */
  body: string;
  /** Sent to the neuron as `x-request-id` (unique per request), so its usage can be asked for after. */
  requestId: string;
  /** Returned to the client as `x-request-id`: the client's own when it sent one, else `requestId`. */
  clientRequestId: string;
  /** Whether budget is held for this request (then usage missing from a reply is asked of the neuron). */
  metered: boolean;
  clientHeaders: ClientHeaders;
  identity: Identity | null;
  signal: ClientSignal;
  stream: boolean;
  guard: SettleGuard;
  /** performance.now() when cortex began the request. */
  startedAt: number;
  /** ms spent waiting on neurons and loads so far (cold load, earlier attempts); attempts add to it. */
  waitedMs: number;
  coldStart: boolean;
  /** Prompt tokens to settle with when the reply carried no usage. */
  promptEstimate: () => number;
  /** A `/v1/responses` request with a response store: its reply is stored and echoes `previous_response_id`. */
  responsesTurn?: ResponsesTurn | undefined;
  /** The client's Node response to write the reply to; none: the reply is a `Response`. */
  outgoing?: ServerResponse | undefined;
}

/** The attempt whose neuron answered. */
export interface ReplyAttempt {
  node: string;
  ticket: ReplicaTicket;
  call: UpstreamCall;
  /** performance.now() when this attempt began. */
  attemptStartedAt: number;
  /** Asks this neuron what the request generated (by the `x-request-id` cortex sent it); unmetered: none. */
  lookupUsage?: (() => Promise<RequestUsageAnswer>) | undefined;
}
