import {
  createServer,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from "node:http";
import { clientClosedRequest, createClientErrorListener, payloadTooLarge } from "@helexa/core";
import { getRequestListener } from "@hono/node-server";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import type { Hono } from "hono";
import type { ClientSignal, UpstreamRoute } from "../dispatch/dispatch.js";
import type { Entitlements } from "../entitlements/entitlements.js";
import { dialectOfPath } from "../errors/render-error-response.js";
import type { AppEnv } from "../internal/app-env.js";
import { PASS_THROUGH_ROUTES } from "../routes/route-table.js";
import { createServePassThrough, type PassThroughDeps } from "../routes/serve-pass-through.js";

/*
 * What Node hands cortex: the API server's listener (arrival time, canonical path) and the Node adapter of
 * the pass-through core it tries first (`createDirectProxy`), with what that adapter needs of Node's request
 * and response: the body (`readIncomingBody`), the client-gone signal (`closeSignal`) and a `Response`
 * written back (`writeWebResponse`).
 */

/** What the API server serves: the Hono app, and optionally a fast path tried first. */
export interface ApiHandlers {
  app: Hono<AppEnv>;
  serveDirect?: DirectListener;
}

/**
 * The HTTP server for cortex's API. Each request's arrival time is stamped first (the start of
 * `Server-Timing`) and its path made canonical (`normalizeRequestPath`); the OpenAI pass-through routes are served by `serveDirect` on Node's own request and
 * response; everything else goes through @hono/node-server's listener and the app. What Node refuses before
 * any of that (malformed HTTP, headers too large, a request not received in time) is answered in the
 * client's dialect by core's `createClientErrorListener`.
 */
export function createApiServer(handlers: ApiHandlers): Server {
  const listener = getRequestListener(handlers.app.fetch);
  const direct = handlers.serveDirect;
  const server = createServer((incoming, outgoing) => {
    stampArrival(incoming);
    if (incoming.url !== undefined) incoming.url = normalizeRequestPath(incoming.url);
    if (direct?.(incoming, outgoing) === true) return;
    void listener(incoming, outgoing);
  });
  server.on(
    "clientError",
    createClientErrorListener((path) => dialectOfPath(path) === "anthropic"),
  );
  return server;
}

const ARRIVED_AT = Symbol("helexa.arrivedAt");

type Stamped = IncomingMessage & { [ARRIVED_AT]?: number };

/**
 * Records `performance.now()` on a request the moment cortex's HTTP listener receives it (headers parsed,
 * before Hono builds anything), so `Server-Timing` and the overhead histogram start where cortex does.
 */
function stampArrival(incoming: IncomingMessage): void {
  (incoming as Stamped)[ARRIVED_AT] = performance.now();
}

/** When `stampArrival` saw this request, or `fallback` (a request that did not come through the listener). */
export function arrivalTime(incoming: IncomingMessage | undefined, fallback: number): number {
  return (incoming as Stamped | undefined)?.[ARRIVED_AT] ?? fallback;
}

/**
 * The request target with its path made canonical: runs of `/` fold into one and a trailing `/` is dropped
 * (the root stays `/`); the query string is kept as sent. SDKs join a base URL that ends in `/` with a path
 * that starts with one (`http://host/v1/` + `/chat/completions`), and users paste base URLs both ways, so
 * `//v1/messages` and `/v1/models/` reach the same route as their plain spelling. Returns the input itself
 * when it is already canonical, the common case, so nothing is allocated.
 */
export function normalizeRequestPath(target: string): string {
  const query = target.indexOf("?");
  const path = query === -1 ? target : target.slice(0, query);
  if (!path.includes("//") && (path.length <= 1 || !path.endsWith("/"))) return target;
  let folded = path.replace(/\/{2,}/g, "/");
  if (folded.length > 1 && folded.endsWith("/")) folded = folded.slice(0, -1);
  return query === -1 ? folded : folded + target.slice(query);
}

/** Serves a request itself and returns true, or returns false to leave it to the Hono app. */
export type DirectListener = (incoming: IncomingMessage, outgoing: ServerResponse) => boolean;

export interface DirectProxyDeps extends PassThroughDeps {
  entitlements?: Entitlements | undefined;
}

/**
 * The Node adapter of the pass-through core, tried before the Hono app: `POST` to a pass-through route from
 * a non-browser client (no `Origin`; browsers need CORS, which the app adds). It identifies the caller as
 * the app's auth middleware does and lets the core write the neuron's reply straight into Node's response,
 * so no `Request`, `Headers` or web stream is built per request.
 */
export function createDirectProxy(deps: DirectProxyDeps): DirectListener {
  const { entitlements } = deps;
  const serve = createServePassThrough(deps);
  const routes: ReadonlySet<string> = PASS_THROUGH_ROUTES;
  const respond = async (route: UpstreamRoute, incoming: IncomingMessage, outgoing: ServerResponse) => {
    const served = await serve(
      {
        route,
        headers: incoming.headers,
        readBody: (maxBytes) => readIncomingBody(incoming, maxBytes),
        identify: () => entitlements?.authenticate(incoming.headers) ?? null,
        signal: closeSignal(outgoing),
        startedAt: arrivalTime(incoming, performance.now()),
      },
      { outgoing },
    );
    if (served !== RESPONSE_ALREADY_SENT) await writeWebResponse(served, outgoing);
  };
  return (incoming, outgoing) => {
    if (incoming.method !== "POST" || incoming.headers.origin !== undefined) return false;
    const url = incoming.url ?? "";
    const query = url.indexOf("?");
    const path = query === -1 ? url : url.slice(0, query);
    if (!routes.has(path)) return false;
    respond(path as UpstreamRoute, incoming, outgoing).catch((error: unknown) => {
      deps.logger.error({ event: "unhandled_error", path, err: error }, "unhandled error");
      outgoing.destroy();
    });
    return true;
  };
}

/**
 * The client-gone signal of a request served straight from Node: aborted when its response closes before
 * it finished (the client disconnected). One `close` listener on the response serves every abort
 * listener, so no `AbortController` / `EventTarget` is built per request; the signal is one small object
 * whose methods live on its class (nothing is allocated per request beyond it and its listener list).
 */
export function closeSignal(outgoing: ServerResponse): ClientSignal {
  return new CloseSignal(outgoing);
}

class CloseSignal implements ClientSignal {
  aborted = false;
  readonly #outgoing: ServerResponse;
  /** Most requests have one listener at a time (the upstream call's), so no array is built for it. */
  #first: (() => void) | null = null;
  #more: Array<() => void> | null = null;

  constructor(outgoing: ServerResponse) {
    this.#outgoing = outgoing;
    outgoing.on("close", this.#onClose);
  }

  readonly #onClose = (): void => {
    const outgoing = this.#outgoing;
    outgoing.off("close", this.#onClose);
    if (outgoing.writableFinished) return;
    this.aborted = true;
    const first = this.#first;
    const more = this.#more;
    this.#first = null;
    this.#more = null;
    first?.();
    if (more !== null) for (const listener of more) listener();
  };

  addEventListener(_type: "abort", listener: () => void): void {
    if (this.aborted || this.#first === listener || this.#more?.includes(listener)) return;
    if (this.#first === null) this.#first = listener;
    else if (this.#more === null) this.#more = [listener];
    else this.#more.push(listener);
  }

  removeEventListener(_type: "abort", listener: () => void): void {
    if (this.#first === listener) {
      this.#first = this.#more?.shift() ?? null;
      return;
    }
    const index = this.#more?.indexOf(listener) ?? -1;
    if (index !== -1) this.#more?.splice(index, 1);
  }
}

/** UTF-8, dropping a leading byte-order mark (as lenient JSON readers do; the neuron does the same). */
const decoder = new TextDecoder("utf-8");

/**
 * A request body straight from Node's `IncomingMessage`, as UTF-8 text of at most `maxBytes`: 413 when a
 * declared `Content-Length` (before reading) or the bytes read (without one) pass the limit; 499 when the
 * client goes away before the body ended. The read stops at the first of these.
 */
function readIncomingBody(incoming: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = incoming.headers["content-length"];
  if (declared !== undefined && Number(declared) > maxBytes) return Promise.reject(payloadTooLarge(maxBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      incoming.off("data", onData);
      incoming.off("end", onEnd);
      incoming.off("error", onGone);
      incoming.off("close", onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      stop();
      incoming.pause();
      reject(payloadTooLarge(maxBytes));
    };
    const onEnd = () => {
      stop();
      resolve(decoder.decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    };
    const onGone = () => {
      stop();
      reject(clientClosedRequest());
    };
    const onClose = () => {
      if (!incoming.complete) onGone();
    };
    // `on`, not `once`, for all four: `stop` removes them together, and `once` would wrap each one.
    incoming.on("data", onData);
    incoming.on("end", onEnd);
    incoming.on("error", onGone);
    incoming.on("close", onClose);
  });
}

/**
 * Writes a WHATWG `Response` to Node's response: a server-sent-event body chunk by chunk as it comes
 * (backpressure honoured; a client that goes away cancels the body, which aborts what feeds it), any
 * other body whole with its `Content-Length`. A body that fails midway destroys the connection, so the
 * client sees a cut response rather than a complete-looking one.
 */
async function writeWebResponse(response: Response, outgoing: ServerResponse): Promise<void> {
  const headers: OutgoingHttpHeaders = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  const body = response.body;
  if (body === null) {
    outgoing.writeHead(response.status, headers).end();
    return;
  }
  if (!(response.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
    const bytes = Buffer.from(await response.arrayBuffer());
    headers["content-length"] = String(bytes.byteLength);
    outgoing.writeHead(response.status, headers).end(bytes);
    return;
  }
  outgoing.writeHead(response.status, headers);
  outgoing.flushHeaders();
  const reader = body.getReader();
  const cancel = () => {
    reader.cancel().catch(() => {});
  };
  outgoing.once("close", cancel);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || outgoing.destroyed) break;
      if (!outgoing.write(value)) await drained(outgoing);
    }
    if (!outgoing.destroyed) outgoing.end();
  } catch {
    outgoing.destroy();
  } finally {
    outgoing.off("close", cancel);
  }
}

/** Resolves on `drain`, or on `close` when the client went away meanwhile. */
function drained(outgoing: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      outgoing.off("drain", done);
      outgoing.off("close", done);
      resolve();
    };
    outgoing.once("drain", done);
    outgoing.once("close", done);
  });
}
