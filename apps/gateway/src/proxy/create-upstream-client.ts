import {
  type ClientRequest,
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type RequestOptions,
} from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { urlToHttpOptions } from "node:url";
import type { ClientSignal } from "../dispatch/dispatch.js";
import type { Identity } from "../entitlements/entitlements.js";
import { type ClientHeaders, clientHeader } from "../internal/client-headers.js";

/*
 * The call to a neuron: the headers cortex sends (`buildUpstreamHeaders`), the keep-alive request with its
 * timeout and the client's signal (`createUpstreamClient`, `startUpstreamCall`), and the neuron's headers as
 * forwarded back (`buildDownstreamHeaders`).
 */

/** A neuron's answer: status and headers, with the body still on the wire. */
export interface UpstreamReply {
  status: number;
  headers: IncomingHttpHeaders;
  message: IncomingMessage;
}

/** One request in flight; `abort` destroys it (and its reply body) at any point. */
export interface UpstreamRequest {
  reply: Promise<UpstreamReply>;
  abort(reason: Error): void;
}

/** Keep-alive HTTP client for inference calls to neurons. */
export interface UpstreamClient {
  /** `headers` belongs to the call from here on (its `content-length` is set). */
  post(url: string, headers: Record<string, string>, body: string): UpstreamRequest;
  close(): void;
}

/**
 * Node's `http.request` over keep-alive agents: several times cheaper per request than `fetch`, which
 * matters on a proxy's hot path. A request that fails on a reused keep-alive socket the neuron had just
 * closed (`ECONNRESET` before any reply) is retried once on a fresh socket: nothing reached the neuron.
 */
export function createUpstreamClient(options: { maxSockets?: number } = {}): UpstreamClient {
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.maxSockets ?? 1024,
    scheduling: "lifo" as const,
  };
  const http = new HttpAgent(agentOptions);
  const https = new HttpsAgent(agentOptions);
  // Neuron endpoints × routes: a handful of URLs, parsed once each (the bound only guards against misuse).
  const targets = new Map<string, Target>();
  const parse = (url: string): Target => {
    let target = targets.get(url);
    if (target === undefined) {
      if (targets.size >= 1024) targets.clear();
      const parsed = urlToHttpOptions(new URL(url));
      target = {
        secure: parsed.protocol === "https:",
        host: parsed.hostname ?? "localhost",
        port: parsed.port,
        path: parsed.path ?? "/",
        auth: parsed.auth ?? undefined,
      };
      targets.set(url, target);
    }
    return target;
  };

  return {
    post(url, headers, body) {
      const target = parse(url);
      headers["content-length"] = String(Buffer.byteLength(body));
      return new Post(target, target.secure ? https : http, headers, body);
    },
    close() {
      http.destroy();
      https.destroy();
    },
  };
}

/**
 * One POST in flight. A class, so what each request needs is one object and two bound callbacks rather
 * than a closure per step.
 */
class Post implements UpstreamRequest {
  readonly reply: Promise<UpstreamReply>;
  #resolve!: (reply: UpstreamReply) => void;
  #reject!: (error: Error) => void;
  #current: ClientRequest | undefined;
  #aborted: Error | undefined;
  #retried = false;
  readonly #target: Target;
  readonly #agent: HttpAgent;
  readonly #headers: Record<string, string>;
  readonly #body: string;

  constructor(target: Target, agent: HttpAgent, headers: Record<string, string>, body: string) {
    this.#target = target;
    this.#agent = agent;
    this.#headers = headers;
    this.#body = body;
    this.reply = new Promise<UpstreamReply>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.#send();
  }

  #send(): void {
    const target = this.#target;
    const requestOptions: RequestOptions = {
      host: target.host,
      port: target.port,
      path: target.path,
      method: "POST",
      agent: this.#agent,
      headers: this.#headers,
    };
    if (target.auth !== undefined) requestOptions.auth = target.auth;
    const request = (target.secure ? httpsRequest : httpRequest)(requestOptions, this.#onResponse);
    this.#current = request;
    // `on`, not `once`: a request destroyed after its first error may emit again.
    request.on("error", this.#onError);
    request.end(this.#body);
  }

  readonly #onResponse = (message: IncomingMessage): void => {
    // A body cut short (abort, neuron gone) errors here; its readers see that through their own
    // listeners, and this one keeps a late error from becoming an uncaught exception.
    message.on("error", ignoreLateError);
    this.#resolve({ status: message.statusCode ?? 502, headers: message.headers, message });
  };

  readonly #onError = (error: NodeJS.ErrnoException): void => {
    const request = this.#current;
    if (
      this.#aborted === undefined &&
      !this.#retried &&
      request?.reusedSocket === true &&
      error.code === "ECONNRESET"
    ) {
      // A request that failed on a reused keep-alive socket the neuron had just closed: nothing reached it.
      request.off("error", this.#onError);
      request.on("error", ignoreLateError);
      this.#retried = true;
      this.#send();
      return;
    }
    this.#reject(this.#aborted ?? error);
  };

  abort(reason: Error): void {
    if (this.#aborted !== undefined) return;
    this.#aborted = reason;
    // No error argument: the reply promise already rejects with `aborted`, and a request whose reply
    // has finished must not re-emit the reason on a socket nobody listens to.
    this.#current?.destroy();
    this.#reject(reason);
  }
}

/** A neuron URL, parsed once into what `http.request` needs. */
interface Target {
  secure: boolean;
  host: string;
  port: string | number | null | undefined;
  path: string;
  auth: string | undefined;
}

function ignoreLateError(): void {}

/** An `IncomingMessage` body as one byte array. */
export function readMessage(message: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    // `on`, not `once`: each fires once for a message anyway, and `once` would wrap every listener.
    message.on("data", (chunk: Buffer) => chunks.push(chunk));
    message.on("end", () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    message.on("error", reject);
    message.on("close", () => {
      if (!message.complete) reject(new Error("upstream closed the connection mid-body"));
    });
  });
}

/** One upstream request, linked to the client's signal and to a timeout. */
export interface UpstreamCall {
  /** Why cortex (not the client) aborted the call: "timeout" or "idle timeout". */
  abortReason: string | null;
  /** Aborts the request or its body, for `reason`. */
  abort(reason: string): void;
  /** Re-arms the timeout (after headers: the idle timeout for the body). */
  rearm(ms: number): void;
  /** Stops the timeout (a tapped stream keeps its own idle timer). */
  clearTimer(): void;
  /** Clears the timer and the client-signal listener. Idempotent. */
  dispose(): void;
}

/** Starts the neuron request; the returned call must be disposed whatever happens. */
export function startUpstreamCall(
  client: UpstreamClient,
  url: string,
  init: { headers: Record<string, string>; body: string },
  clientSignal: ClientSignal,
  timeoutMs: number,
): { call: UpstreamCall; reply: Promise<UpstreamReply> } {
  const request = client.post(url, init.headers, init.body);
  const call = new LinkedCall(request, clientSignal, timeoutMs);
  return { call, reply: request.reply };
}

/** `UpstreamCall` as one object: its methods live on the class, so a request allocates no closures for them. */
class LinkedCall implements UpstreamCall {
  abortReason: string | null = null;
  readonly #request: UpstreamRequest;
  readonly #signal: ClientSignal;
  #timer: NodeJS.Timeout | undefined;
  #timerMs = 0;

  constructor(request: UpstreamRequest, signal: ClientSignal, timeoutMs: number) {
    this.#request = request;
    this.#signal = signal;
    if (signal.aborted) this.#onClientAbort();
    else signal.addEventListener("abort", this.#onClientAbort, { once: true });
    this.rearm(timeoutMs);
  }

  readonly #onClientAbort = (): void => {
    this.#request.abort(new Error("client disconnected"));
  };

  readonly #onTimeout = (): void => {
    this.abort("timeout");
  };

  abort(reason: string): void {
    this.abortReason ??= reason;
    this.#request.abort(new Error(reason));
  }

  rearm(ms: number): void {
    const timer = this.#timer;
    // Same length as the armed one: restart it in place rather than build another.
    if (timer !== undefined && ms === this.#timerMs) {
      timer.refresh();
      return;
    }
    if (timer !== undefined) clearTimeout(timer);
    const next = setTimeout(this.#onTimeout, ms);
    next.unref?.();
    this.#timer = next;
    this.#timerMs = ms;
  }

  clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  dispose(): void {
    this.clearTimer();
    this.#signal.removeEventListener("abort", this.#onClientAbort);
  }
}

/** Never forwarded to a neuron: hop-by-hop, framing, compression, and the client's credentials. */
const DROPPED = new Set([
  "host",
  "content-length",
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authorization",
  "proxy-authenticate",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "expect",
  "accept-encoding",
  "authorization",
  "x-api-key",
  "cookie",
  "x-helexa-account-id",
  "x-helexa-key-id",
  "x-helexa-previous-response-id",
]);

/**
 * The headers cortex sends a neuron for a proxied request: the client's headers minus those above (and any
 * the client's `Connection` header names), the neuron's own bearer token, and the caller's identity stamped
 * as `x-helexa-account-id` / `x-helexa-key-id`. Bodies go uncompressed so they can pass through untouched.
 */
export function buildUpstreamHeaders(
  client: ClientHeaders,
  authToken: string | undefined,
  identity: Identity | null,
): Record<string, string> {
  const headers: Record<string, string> = {};
  const connection = clientHeader(client, "connection");
  // `keep-alive` / `close` are the usual values and name no header worth a set.
  const named =
    connection === null || connection === "keep-alive" || connection === "close"
      ? null
      : new Set(connection.toLowerCase().split(/\s*,\s*/));
  if (client instanceof Headers) {
    client.forEach((value, name) => {
      if (DROPPED.has(name) || named?.has(name)) return;
      headers[name] = value;
    });
  } else {
    for (const name in client) {
      const value = client[name];
      if (value === undefined || DROPPED.has(name) || named?.has(name)) continue;
      headers[name] = typeof value === "string" ? value : value.join(", ");
    }
  }
  headers["content-type"] = "application/json";
  headers["accept-encoding"] = "identity";
  if (authToken !== undefined) headers.authorization = `Bearer ${authToken}`;
  if (identity !== null) {
    headers["x-helexa-account-id"] = identity.accountId;
    headers["x-helexa-key-id"] = identity.keyId;
  }
  return headers;
}

/** Never forwarded to the client: hop-by-hop headers (Node frames its own response). */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
]);

/** The neuron's response headers as forwarded to the client: everything but hop-by-hop ones. */
export function buildDownstreamHeaders(upstream: IncomingHttpHeaders): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name in upstream) {
    if (HOP_BY_HOP.has(name)) continue;
    const value = upstream[name];
    if (value === undefined) continue;
    headers[name] = typeof value === "string" ? value : value.join(", ");
  }
  return headers;
}
