import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createJoinHeartbeat, type JoinHeartbeatOptions } from "./create-join-heartbeat.js";

interface Received {
  path: string;
  authorization: string | undefined;
  body: unknown;
}

/**
 * A stand-in cortex whose answer the test switches: 200 (a registration, with `ttlMs` as its `ttl_ms`, or
 * none when undefined), 404 or 401.
 */
async function startCortex(): Promise<{
  url: string;
  received: Received[];
  answer: { status: number; ttlMs: number | undefined };
  close(): Promise<void>;
}> {
  const received: Received[] = [];
  const answer: { status: number; ttlMs: number | undefined } = { status: 200, ttlMs: 30_000 };
  const server: Server = createServer(async (request: IncomingMessage, response) => {
    let text = "";
    for await (const chunk of request) text += chunk;
    received.push({
      path: request.url ?? "",
      authorization: request.headers.authorization,
      body: JSON.parse(text),
    });
    const body =
      answer.status === 200
        ? {
            id: "gpu-7",
            expires_at_ms: Date.now() + (answer.ttlMs ?? 30_000),
            ...(answer.ttlMs === undefined ? {} : { ttl_ms: answer.ttlMs }),
          }
        : { error: { message: answer.status === 401 ? "invalid or missing join token" : "not found" } };
    response.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    answer,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function recordingLogger() {
  const lines: Array<{ level: string; fields: Record<string, unknown>; message?: string }> = [];
  return {
    lines,
    info: (fields: Record<string, unknown>, message?: string) =>
      lines.push({ level: "info", fields, ...(message === undefined ? {} : { message }) }),
    warn: (fields: Record<string, unknown>, message?: string) =>
      lines.push({ level: "warn", fields, ...(message === undefined ? {} : { message }) }),
  };
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A heartbeat for `gpu-7` with the test's join token, stopped after the test; `options` override. */
function heartbeatTo(
  cortexUrl: string,
  logger: JoinHeartbeatOptions["logger"],
  options: Partial<JoinHeartbeatOptions> = {},
) {
  const heartbeat = createJoinHeartbeat({
    cortexUrl,
    token: "join-secret",
    name: "gpu-7",
    advertiseUrl: "http://127.0.0.1:13131",
    authToken: null,
    intervalMs: 10,
    fetch: globalThis.fetch,
    logger,
    ...options,
  });
  closers.push(() => heartbeat.stop());
  return heartbeat;
}

async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe("createJoinHeartbeat", () => {
  it("registers with the join token, renews with the same body, and leaves on stop", async () => {
    const cortex = await startCortex();
    closers.push(cortex.close);
    const logger = recordingLogger();
    const heartbeat = heartbeatTo(cortex.url, logger, {
      authToken: "neuron-secret",
      intervalMs: 20,
    });
    await heartbeat.start();
    expect(heartbeat.joined()).toBe(true);
    await until(() => cortex.received.length >= 3);
    await heartbeat.stop();
    const registrations = cortex.received.filter((entry) => entry.path === "/v1/join");
    expect(registrations.length).toBeGreaterThanOrEqual(3);
    for (const entry of registrations) {
      expect(entry.authorization).toBe("Bearer join-secret");
      expect(entry.body).toEqual({
        name: "gpu-7",
        url: "http://127.0.0.1:13131",
        auth_token: "neuron-secret",
      });
    }
    expect(cortex.received.at(-1)).toEqual({
      path: "/v1/join/leave",
      authorization: "Bearer join-secret",
      body: { name: "gpu-7" },
    });
    // One "joined" line for the whole run, not one per beat.
    expect(logger.lines.filter((line) => line.fields.event === "joined")).toHaveLength(1);
    // cortex's 30 s ttl is well over three 20 ms beats: the configured interval stands.
    expect(logger.lines.filter((line) => line.fields.event === "heartbeat_interval_shortened")).toEqual([]);
  });

  it("renews at a third of cortex's ttl_ms when that is shorter than its interval, and says so once", async () => {
    const cortex = await startCortex();
    closers.push(cortex.close);
    cortex.answer.ttlMs = 600;
    const logger = recordingLogger();
    const heartbeat = heartbeatTo(cortex.url, logger, {
      // Never reached in this test: were the ttl ignored, the second beat would not come before it times out.
      intervalMs: 600_000,
    });
    await heartbeat.start();
    await until(() => cortex.received.length >= 5);
    expect(heartbeat.joined()).toBe(true);
    const shortened = logger.lines.filter((line) => line.fields.event === "heartbeat_interval_shortened");
    expect(shortened).toEqual([
      {
        level: "info",
        fields: expect.objectContaining({ configured_ms: 600_000, ttl_ms: 600, interval_ms: 200 }),
        message: expect.stringContaining("ttl_ms"),
      },
    ]);
  });

  it("never beats more often than every 100 ms, whatever ttl_ms cortex replies with", async () => {
    const cortex = await startCortex();
    closers.push(cortex.close);
    cortex.answer.ttlMs = 30;
    const logger = recordingLogger();
    const heartbeat = heartbeatTo(cortex.url, logger, { intervalMs: 600_000 });
    await heartbeat.start();
    await until(() => cortex.received.length >= 2);
    const shortened = logger.lines.filter((line) => line.fields.event === "heartbeat_interval_shortened");
    expect(shortened).toEqual([
      expect.objectContaining({ fields: expect.objectContaining({ ttl_ms: 30, interval_ms: 100 }) }),
    ]);
  });

  it("a reply without ttl_ms is still a registration, and leaves the configured interval as it is", async () => {
    const cortex = await startCortex();
    closers.push(cortex.close);
    cortex.answer.ttlMs = undefined;
    const logger = recordingLogger();
    const heartbeat = heartbeatTo(cortex.url, logger);
    await heartbeat.start();
    expect(heartbeat.joined()).toBe(true);
    await until(() => cortex.received.length >= 3);
    expect(logger.lines.map((line) => line.fields.event)).toEqual(["joined"]);
  });

  it("logs a refusal once (without the token) and registers again when cortex accepts (a restart, a 404)", async () => {
    const cortex = await startCortex();
    closers.push(cortex.close);
    cortex.answer.status = 404;
    const logger = recordingLogger();
    const heartbeat = heartbeatTo(cortex.url, logger);
    await heartbeat.start();
    expect(heartbeat.joined()).toBe(false);
    await until(() => cortex.received.length >= 4);
    const failures = logger.lines.filter((line) => line.fields.event === "join_failed");
    expect(failures).toHaveLength(1);
    expect(String(failures[0]?.fields.reason)).toContain("404");
    cortex.answer.status = 200;
    await until(() => heartbeat.joined());
    cortex.answer.status = 401;
    await until(() => !heartbeat.joined());
    expect(JSON.stringify(logger.lines)).not.toContain("join-secret");
    expect(logger.lines.map((line) => line.fields.event)).toEqual(["join_failed", "joined", "join_failed"]);
  });

  it("an unreachable cortex is a logged failure, not a crash", async () => {
    const logger = recordingLogger();
    const heartbeat = heartbeatTo("http://127.0.0.1:9", logger, {
      intervalMs: 60_000,
    });
    await heartbeat.start();
    await heartbeat.stop();
    expect(logger.lines).toEqual([
      expect.objectContaining({ level: "warn", fields: expect.objectContaining({ event: "join_failed" }) }),
    ]);
    expect(String(logger.lines[0]?.fields.reason)).toContain("cannot reach cortex");
  });
});
