import { createRequire } from "node:module";
import type { Dispatcher, Agent as UndiciAgent } from "undici";
import type { ClientSignal } from "../dispatch/dispatch.js";
import type { Identity } from "../entitlements/entitlements.js";
import { type ClientHeaders, clientHeader } from "../internal/client-headers.js";

/*
 * The call to a neuron: the headers cortex sends (`buildUpstreamHeaders`), the keep-alive request with its
 * timeout and the client's signal (`createUpstreamClient`, `startUpstreamCall`), the reply's body as it
 * arrives (`UpstreamBody`), and the neuron's headers as forwarded back (`buildDownstreamHeaders`).
 */

/**
 * undici's `Agent` alone. The package's entry point also loads its `fetch`, WebSocket, cache and mock
 * modules, which cortex does not use and which cost several MB of memory in every gateway.
 */
const Agent = createRequire(import.meta.url)("undici/lib/dispatcher/agent.js") as typeof UndiciAgent;
type Agent = UndiciAgent;

/** A neuron's answer: status and headers, with the body still on the wire. */
export interface UpstreamReply {
  status: number;
  /** The neuron's headers as forwarded to the client (`buildDownstreamHeaders`); the caller may add to them. */
  headers: Record<string, string>;
  message: UpstreamBody;
}

/**
 * A reply body as it arrives from the neuron, handed to one reader: chunks in order, then `end` or `fail`.
 * Backpressure is `pause` / `resume`; `cancel` drops the rest of the body (and the request with it). It is
 * also async-iterable, for a WHATWG stream to pull from.
 */
export interface UpstreamBody extends AsyncIterable<Uint8Array> {
  /** Whether the whole body has arrived. */
  readonly complete: boolean;
  /**
   * Gives the body to `reader`: the chunks that arrived before it at once (in this call), then the rest as
   * they come. A body has one reader.
   */
  read(reader: BodyReader): void;
  /** Holds further chunks back until `resume` (the reader's client cannot take more yet). */
  pause(): void;
  resume(): void;
  /** Aborts the request and drops what is left of the body; nothing once it is complete. */
  cancel(reason: Error): void;
}

/** What reads an `UpstreamBody`. Exactly one of `end` and `fail` is called, once, after the last chunk. */
export interface BodyReader {
  data(chunk: Buffer): void;
  end(): void;
  fail(error: Error): void;
}

/** One request in flight; `abort` destroys it (and its reply body) at any point. */
export interface UpstreamRequest {
  reply: Promise<UpstreamReply>;
  abort(reason: Error): void;
}

/** Keep-alive HTTP client for inference calls to neurons. */
export interface UpstreamClient {
  /** `headers` belongs to the call from here on. */
  post(url: string, headers: Record<string, string>, body: string): UpstreamRequest;
  close(): void;
}

/**
 * undici's dispatcher over keep-alive connection pools, one per neuron. Measured on the bench's stub (a
 * bare proxy each way, `docs/decisions/0010-undici-upstream-client.md`), its dispatch interface costs about
 * a third less CPU per proxied request than Node's `http.request` with a keep-alive agent, which costs
 * several times less than `fetch`. cortex times each call itself (`startUpstreamCall`, the stream tap's idle
 * cut), so undici's own header and body timeouts are off. A request that fails on a connection the neuron
 * had just closed (a socket error before any reply) is retried once on a fresh connection.
 */
export function createUpstreamClient(options: { maxSockets?: number } = {}): UpstreamClient {
  const agent = new Agent({
    connections: options.maxSockets ?? 1024,
    pipelining: 1,
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  // Neuron endpoints × routes: a handful of URLs, parsed once each (the bound only guards against misuse).
  const targets = new Map<string, Target>();
  const parse = (url: string): Target => {
    let target = targets.get(url);
    if (target === undefined) {
      if (targets.size >= 1024) targets.clear();
      const parsed = new URL(url);
      const credentials =
        parsed.username === "" && parsed.password === ""
          ? undefined
          : `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
      target = {
        origin: parsed.origin,
        path: `${parsed.pathname}${parsed.search}`,
        basicAuth:
          credentials === undefined ? undefined : `Basic ${Buffer.from(credentials).toString("base64")}`,
      };
      targets.set(url, target);
    }
    return target;
  };

  return {
    post(url, headers, body) {
      const target = parse(url);
      // Credentials in a neuron's URL stand in for its token, as `http.request`'s `auth` did.
      if (target.basicAuth !== undefined && headers.authorization === undefined) {
        headers.authorization = target.basicAuth;
      }
      return new Post(agent, target, headers, body);
    },
    close() {
      agent.destroy().catch(() => {});
    },
  };
}

/** A neuron URL, parsed once into what a dispatch needs. */
interface Target {
  origin: string;
  path: string;
  basicAuth: string | undefined;
}

/** Chunks kept for a body nobody reads yet before the connection is paused. */
const UNREAD_LIMIT_BYTES = 64 * 1024;

/**
 * One POST in flight: undici's dispatch handler, the request's `reply` and, once headers came, its body. A
 * class, so a request is one object and no closure per step. It implements the handler interface undici's
 * own `request()` implements in 7.x (`onConnect` … `onComplete` / `onError`).
 */
class Post implements UpstreamRequest, UpstreamBody, Dispatcher.DispatchHandler {
  readonly reply: Promise<UpstreamReply>;
  complete = false;
  #resolve!: (reply: UpstreamReply) => void;
  #reject!: (error: Error) => void;
  readonly #agent: Agent;
  readonly #target: Target;
  readonly #headers: Record<string, string>;
  readonly #body: string;
  #abortDispatch: ((reason: Error) => void) | null = null;
  #resumeDispatch: (() => void) | null = null;
  #aborted: Error | undefined;
  #retried = false;
  #replied = false;
  #paused = false;
  #reader: BodyReader | null = null;
  #unread: Buffer[] | null = null;
  #unreadBytes = 0;
  /** Paused because nobody read the chunks that came (`UNREAD_LIMIT_BYTES`), not by the reader. */
  #heldForReader = false;
  #failure: Error | undefined;

  constructor(agent: Agent, target: Target, headers: Record<string, string>, body: string) {
    this.#agent = agent;
    this.#target = target;
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
    this.#agent.dispatch(
      { origin: target.origin, path: target.path, method: "POST", headers: this.#headers, body: this.#body },
      this,
    );
  }

  onConnect(abort: (reason?: Error) => void): void {
    if (this.#aborted !== undefined) abort(this.#aborted);
    else this.#abortDispatch = abort;
  }

  onHeaders(status: number, rawHeaders: Buffer[], resume: () => void): boolean {
    if (status < 200) return true; // 1xx: the reply is still to come
    this.#replied = true;
    this.#resumeDispatch = resume;
    this.#resolve({ status, headers: buildDownstreamHeaders(rawHeaders), message: this });
    return true;
  }

  onData(chunk: Buffer): boolean {
    const reader = this.#reader;
    if (reader !== null) reader.data(chunk);
    else {
      if (this.#unread === null) this.#unread = [chunk];
      else this.#unread.push(chunk);
      this.#unreadBytes += chunk.byteLength;
      if (this.#unreadBytes >= UNREAD_LIMIT_BYTES && !this.#paused) {
        this.#paused = true;
        this.#heldForReader = true;
      }
    }
    return !this.#paused;
  }

  onComplete(): void {
    this.complete = true;
    this.#abortDispatch = null;
    this.#reader?.end();
  }

  onError(error: Error): void {
    this.#abortDispatch = null;
    if (!this.#replied) {
      if (this.#aborted === undefined && !this.#retried && isClosedConnection(error)) {
        // The neuron closed a kept-alive connection as the request went out on it: try a fresh one, once.
        this.#retried = true;
        this.#send();
        return;
      }
      this.#reject(this.#aborted ?? error);
      return;
    }
    const failure = this.#aborted ?? error;
    this.#failure = failure;
    this.#reader?.fail(failure);
  }

  abort(reason: Error): void {
    if (this.#aborted !== undefined || this.complete) return;
    this.#aborted = reason;
    this.#reject(reason);
    this.#abortDispatch?.(reason);
  }

  read(reader: BodyReader): void {
    if (this.#reader !== null) throw new Error("an upstream body has one reader");
    this.#reader = reader;
    const unread = this.#unread;
    const held = this.#heldForReader;
    if (held) {
      this.#heldForReader = false;
      this.#paused = false; // the reader may pause again while it takes what was kept
    }
    if (unread !== null) {
      this.#unread = null;
      this.#unreadBytes = 0;
      for (const chunk of unread) reader.data(chunk);
    }
    if (this.#failure !== undefined) reader.fail(this.#failure);
    else if (this.complete) reader.end();
    else if (held && !this.#paused) this.#resumeDispatch?.();
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#resumeDispatch?.();
  }

  cancel(reason: Error): void {
    this.abort(reason);
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return new BodyIterator(this);
  }
}

/** A socket error before any reply: what a kept-alive connection the neuron had just closed gives. */
function isClosedConnection(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "UND_ERR_SOCKET" || code === "ECONNRESET" || code === "EPIPE";
}

/**
 * An `UpstreamBody` pulled chunk by chunk: the body is paused while a chunk waits for its `next()`.
 * `return()` before the end cancels the body.
 */
class BodyIterator implements AsyncIterator<Uint8Array>, BodyReader {
  readonly #body: UpstreamBody;
  readonly #queue: Uint8Array[] = [];
  #ended = false;
  #failure: Error | undefined;
  #waiting: { resolve: (result: IteratorResult<Uint8Array>) => void; reject: (error: Error) => void } | null =
    null;

  constructor(body: UpstreamBody) {
    this.#body = body;
    body.read(this);
  }

  data(chunk: Buffer): void {
    const waiting = this.#waiting;
    if (waiting !== null) {
      this.#waiting = null;
      waiting.resolve({ done: false, value: chunk });
      return;
    }
    this.#queue.push(chunk);
    this.#body.pause();
  }

  end(): void {
    this.#ended = true;
    const waiting = this.#waiting;
    this.#waiting = null;
    waiting?.resolve({ done: true, value: undefined });
  }

  fail(error: Error): void {
    this.#failure = error;
    const waiting = this.#waiting;
    this.#waiting = null;
    waiting?.reject(error);
  }

  next(): Promise<IteratorResult<Uint8Array>> {
    const chunk = this.#queue.shift();
    if (chunk !== undefined) {
      if (this.#queue.length === 0) this.#body.resume();
      return Promise.resolve({ done: false, value: chunk });
    }
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (this.#ended) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<Uint8Array>> {
    this.#queue.length = 0;
    if (!this.#ended && this.#failure === undefined) {
      this.#ended = true;
      this.#body.cancel(new Error("the body's reader left"));
    }
    return Promise.resolve({ done: true, value: undefined });
  }
}

/** An upstream body as one byte array. */
export function readMessage(body: UpstreamBody): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    body.read({
      data: (chunk) => chunks.push(chunk),
      end: () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)),
      fail: reject,
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

/**
 * The neuron's response headers as forwarded to the client, from the reply's raw header lines: lower-case
 * names, a repeated header's values joined with ", ", hop-by-hop headers left out.
 */
export function buildDownstreamHeaders(rawHeaders: readonly Buffer[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const name = (rawHeaders[index] as Buffer).toString("latin1").toLowerCase();
    if (HOP_BY_HOP.has(name)) continue;
    const value = (rawHeaders[index + 1] as Buffer).toString("latin1");
    const seen = headers[name];
    headers[name] = seen === undefined ? value : `${seen}, ${value}`;
  }
  return headers;
}
