import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createUpstreamClient } from "./create-upstream-client.js";
import { pipeTapped, type TapOptions, type TapResult } from "./reply-writer.js";

const servers: Server[] = [];
const upstreamClient = createUpstreamClient();
afterAll(() => upstreamClient.close());
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** An upstream SSE server sending `frames`, and a proxy in front of it that pipes through `pipeTapped`. */
async function proxyOver(frames: string[], onFinish: TapOptions["onFinish"]): Promise<string> {
  const upstream = await listen(
    createServer((_incoming, outgoing) => {
      outgoing.writeHead(200, { "content-type": "text/event-stream" });
      for (const frame of frames) outgoing.write(frame);
      outgoing.end();
    }),
  );
  return listen(
    createServer((_incoming, outgoing) => {
      const upstreamRequest = upstreamClient.post(`${upstream}/`, {}, "{}");
      void upstreamRequest.reply.then((reply) => {
        pipeTapped(
          reply.message,
          outgoing,
          { status: 200, headers: { "content-type": "text/event-stream" } },
          {
            idleTimeoutMs: 5000,
            abortUpstream: (reason) => upstreamRequest.abort(new Error(reason)),
            errorFrame: () => new TextEncoder().encode("data: error\n\n"),
            onFinish,
          },
        );
      });
    }),
  );
}

describe("pipeTapped", () => {
  it("passes the body through and reports its tail, data chunks and ok", async () => {
    const results: TapResult[] = [];
    const url = await proxyOver([": ping\n\n", "data: a\n\n", "data: b\n\n"], (result) =>
      results.push(result),
    );
    const response = await fetch(url, { method: "POST" });
    expect(await response.text()).toBe(": ping\n\ndata: a\n\ndata: b\n\n");
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ outcome: "ok", tail: ": ping\n\ndata: a\n\ndata: b\n\n" });
    expect(results[0]?.dataChunks).toBeGreaterThanOrEqual(1);
  });

  it("survives an onFinish that throws: the client still gets the whole body, a warning is emitted", async () => {
    const warned = new Promise<Error>((resolve) => process.once("warning", resolve));
    const url = await proxyOver(["data: a\n\n", "data: [DONE]\n\n"], () => {
      throw new Error("ledger unavailable");
    });
    const response = await fetch(url, { method: "POST" });
    expect(await response.text()).toBe("data: a\n\ndata: [DONE]\n\n");
    expect((await warned).message).toBe("ledger unavailable");
  });
});
