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
  intervalMs: number;
  fetch: typeof globalThis.fetch;
  logger: HeartbeatLogger;
  /** Bound on one registration call. Default 5 s. */
  timeoutMs?: number;
}

export interface JoinHeartbeat {
  /** Registers now, then renews every `intervalMs`; resolves after the first attempt. */
  start(): Promise<void>;
  /** Stops renewing and tells cortex the neuron leaves (best effort), so it is dropped before it expires. */
  stop(): Promise<void>;
  /** Whether the last attempt was accepted. */
  joined(): boolean;
}

/**
 * Registration with cortex and its renewal. Every beat sends the whole registration (an upsert), so a
 * gateway that restarted, lost its store or answered 404 meanwhile gets the neuron back at the next beat
 * without any special case. Failures are logged when the outcome changes (not every beat), with the
 * status or reason and never the token.
 */
export function createJoinHeartbeat(options: JoinHeartbeatOptions): JoinHeartbeat {
  const timeoutMs = options.timeoutMs ?? 5_000;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let accepted = false;
  let lastOutcome: string | undefined;
  let inFlight: Promise<void> = Promise.resolve();

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
      if (response.ok && joinReplySchema.safeParse(parseJson(text)).success) outcome = "ok";
      else if (response.ok) outcome = "cortex sent a reply that is no registration";
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
    }, options.intervalMs);
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
