import type { ServerResponse } from "node:http";
import type { Identity } from "../entitlements/entitlements.js";
import type { ClientHeaders } from "../internal/client-headers.js";

/**
 * The neuron routes cortex dispatches to. `/v1/tokenize` counts tokens exactly and skips admission;
 * `/infill` is llama.cpp's fill-in-the-middle route, which editor plugins call.
 */
export type UpstreamRoute =
  | "/v1/chat/completions"
  | "/v1/completions"
  | "/v1/responses"
  | "/infill"
  | "/v1/tokenize";

/** Which API the client spoke: decides the error dialect and how usage is read. */
export type ClientDialect = "openai" | "anthropic";

/**
 * What dispatch needs of "the client went away": an `AbortSignal` satisfies it, and so does the cheaper
 * `closeSignal(outgoing)` the real server uses. Listeners are called at most once.
 */
export interface ClientSignal {
  readonly aborted: boolean;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

export interface DispatchRequest {
  route: UpstreamRoute;
  /** The OpenAI-shaped body to send (already translated for Anthropic clients). `model` may be an alias. */
  body: Record<string, unknown>;
  /** The client's headers; hop-by-hop, `authorization`, `x-api-key` and `x-helexa-*` never reach a neuron. */
  headers: ClientHeaders;
  /** Aborted when the client disconnects: the upstream request is aborted too. */
  signal: ClientSignal;
  identity: Identity | null;
  /** The original client body, for token estimation in its own dialect. */
  originalBody?: unknown;
  /**
   * The exact request text `body` was parsed from. Sent to the neuron as is unless an alias rewrote
   * `model`, so an unchanged body is never re-serialised.
   */
  rawBody?: string;
  /**
   * `performance.now()` when the request reached cortex (its HTTP listener), for `Server-Timing` and the
   * overhead metric; default: when dispatch was called.
   */
  startedAt?: number;
  /**
   * The client's Node response (@hono/node-server's `c.env.outgoing`). When given, the neuron's reply is
   * piped straight into it and dispatch resolves to `RESPONSE_ALREADY_SENT` (errors raised before any
   * neuron answered still throw, and backpressure replies are still returned as a `Response`). Without it
   * (`app.request()`, translated routes) the reply is a `Response`.
   */
  outgoing?: ServerResponse | undefined;
}

/**
 * Resolves the model, pre-validates the prompt, reserves budget, picks a replica (cold-loading and
 * retrying on backpressure), and returns the neuron's response with its body still streaming (or writes
 * it to `outgoing`). Usage is
 * read from that body as it passes and settled once. Throws `HelexaError` for refusals made before any
 * neuron answered; a neuron's own error response is returned as is.
 */
export type Dispatch = (request: DispatchRequest) => Promise<Response>;
