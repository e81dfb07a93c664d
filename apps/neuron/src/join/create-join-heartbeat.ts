import { joinReplySchema } from "@helexa/core";

/** The logging surface the heartbeat uses (pino's call shape). */
interface HeartbeatLogger {
  info(object: Record<string, unknown>, message?: string): void;
  warn(object: Record<string, unknown>, message?: string): void;
}

export interface JoinHeartbeatOptions {
  /** cortex's base URL. */
  cortexUrl: string;
  /** cortex's `[join] token`; sent as `Authorization: Bearer`, never logged. */
  token: string;
  name: string;
  /** The URL cortex should reach this neuron at. */
  advertiseUrl: string;
  /** This neuron's `auth_token`, handed over so cortex can call it; null when it runs open. */
  authToken: string | null;
  /**
   * `[join] heartbeat_interval_ms`: the longest wait between beats. When cortex replies with a `ttl_ms`
   * shorter than three of these, the neuron renews every `ttl_ms / 3` instead.
   */
  intervalMs: number;
  fetch: typeof globalThis.fetch;
  logger: HeartbeatLogger;
  /** Bound on one registration call. Default 5 s. */
  timeoutMs?: number;
}

export interface JoinHeartbeat {
  /**
   * Registers now, then renews every `intervalMs` (or a third of cortex's `ttl_ms`, when that is shorter);
   * resolves after the first attempt.
   */
  start(): Promise<void>;
  /** Stops renewing and tells cortex the neuron leaves (best effort), so it is dropped before it expires. */
  stop(): Promise<void>;
  /** Whether the last attempt was accepted. */
  joined(): boolean;
}

/** Beats per ttl: renewing every ttl / 3 leaves a lost beat and a slow one before the registration expires. */
const TTL_BEATS = 3;
/** However short a ttl cortex replies with, the neuron does not beat more often than this. */
const MIN_INTERVAL_MS = 100;

/**
 * Registration with cortex and its renewal. Every beat sends the whole registration (an upsert), so a
 * gateway that restarted, lost its store or answered 404 meanwhile gets the neuron back at the next beat
 * without any special case. Failures are logged when the outcome changes (not every beat), with the
 * status or reason and never the token.
 *
 * cortex's reply says how long the registration lives (`ttl_ms`); the neuron cannot trust its own
 * interval to fit it (cortex's ttl is cortex's config, not the neuron's), so it renews at the shorter of
 * its interval and a third of that ttl: one lost or late beat then still does not expire it.
 */
export function createJoinHeartbeat(options: JoinHeartbeatOptions): JoinHeartbeat {
  const timeoutMs = options.timeoutMs ?? 5_000;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let accepted = false;
  let lastOutcome: string | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  let intervalMs = options.intervalMs;

  /** Fits the interval to the ttl cortex replied with; says so once each time that shortens it. */
  const fitToTtl = (ttlMs: number | undefined) => {
    const next =
      ttlMs === undefined
        ? options.intervalMs
        : Math.min(options.intervalMs, Math.max(MIN_INTERVAL_MS, Math.floor(ttlMs / TTL_BEATS)));
    if (next === intervalMs) return;
    intervalMs = next;
    if (next === options.intervalMs) return;
    options.logger.info(
      {
        event: "heartbeat_interval_shortened",
        cortex: options.cortexUrl,
        configured_ms: options.intervalMs,
        ttl_ms: ttlMs,
        interval_ms: next,
      },
      `cortex's [join] ttl_ms (${ttlMs} ms) is shorter than ${TTL_BEATS} heartbeats: renewing every ${next} ms instead of ${options.intervalMs} ms`,
    );
  };

  const call = (path: string, body: unknown) =>
    options.fetch(`${options.cortexUrl}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${options.token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });

  const beat = async () => {
    let outcome: string;
    try {
      const response = await call("/v1/join", {
        name: options.name,
        url: options.advertiseUrl,
        auth_token: options.authToken,
      });
      const text = await response.text();
      const reply = response.ok ? joinReplySchema.safeParse(parseJson(text)) : undefined;
      if (reply?.success === true) {
        outcome = "ok";
        fitToTtl(reply.data.ttl_ms);
      } else if (response.ok) outcome = "cortex sent a reply that is no registration";
      else outcome = describeRefusal(response.status, text);
    } catch (error) {
      outcome = `cannot reach cortex: ${describeError(error)}`;
    }
    accepted = outcome === "ok";
    if (outcome === lastOutcome) return;
    lastOutcome = outcome;
    const fields = {
      event: accepted ? "joined" : "join_failed",
      cortex: options.cortexUrl,
      name: options.name,
    };
    if (accepted) options.logger.info({ ...fields, url: options.advertiseUrl }, "registered with cortex");
    else options.logger.warn({ ...fields, reason: outcome }, `cannot register with cortex: ${outcome}`);
  };

  const schedule = () => {
    if (!running) return;
    timer = setTimeout(() => {
      inFlight = beat().finally(schedule);
    }, intervalMs);
    timer.unref();
  };

  return {
    async start() {
      if (running) return;
      running = true;
      inFlight = beat();
      await inFlight;
      schedule();
    },
    async stop() {
      if (!running) return;
      running = false;
      if (timer !== undefined) clearTimeout(timer);
      await inFlight.catch(() => {});
      if (!accepted) return;
      accepted = false;
      try {
        await (await call("/v1/join/leave", { name: options.name })).body?.cancel();
      } catch {
        // cortex is gone or slow: the registration expires by itself.
      }
    },
    joined: () => accepted,
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Why cortex refused, in a line: its error message when it sent one, else the status. */
function describeRefusal(status: number, text: string): string {
  const body = parseJson(text) as { error?: { message?: unknown } } | undefined;
  const message = typeof body?.error?.message === "string" ? body.error.message : undefined;
  if (status === 404) return "cortex answered 404 (is [join] token set in its cortex.toml?)";
  return message === undefined ? `cortex answered ${status}` : `cortex answered ${status}: ${message}`;
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: { code?: unknown } }).cause;
    if (typeof cause?.code === "string") return cause.code;
    if (error.name === "TimeoutError") return "timed out";
    return error.message;
  }
  return String(error);
}
