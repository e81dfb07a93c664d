import { createServer, request, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import type { ClientSignal } from "../dispatch/dispatch.js";
import { closeSignal } from "./create-api-server.js";

/** One request to a server whose handler gets the signal; `respond` decides what the handler does. */
async function withSignal(
  respond: (outgoing: ServerResponse, signal: ClientSignal) => void,
  clientAborts: boolean,
): Promise<void> {
  const server = createServer((_incoming, outgoing) => respond(outgoing, closeSignal(outgoing)));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => {
    const req = request({ port, host: "127.0.0.1", method: "POST" }, (res) => {
      res.resume();
      res.on("end", () => resolve());
    });
    req.on("error", () => resolve());
    req.end("{}");
    if (clientAborts) setTimeout(() => req.destroy(), 50);
  });
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe("closeSignal", () => {
  it("aborts, once, when the client goes away before the response finished", async () => {
    let calls = 0;
    let seen: ClientSignal | undefined;
    const closed = new Promise<void>((resolve) => {
      void withSignal((outgoing, signal) => {
        seen = signal;
        signal.addEventListener("abort", () => calls++);
        outgoing.once("close", () => setImmediate(resolve));
      }, true);
    });
    await closed;
    expect(seen?.aborted).toBe(true);
    expect(calls).toBe(1);
  });

  it("stays quiet when the response finished, and after a listener is removed", async () => {
    let calls = 0;
    let seen: ClientSignal | undefined;
    await withSignal((outgoing, signal) => {
      seen = signal;
      const removed = () => calls++;
      signal.addEventListener("abort", removed);
      signal.removeEventListener("abort", removed);
      signal.addEventListener("abort", () => calls++);
      outgoing.end("ok");
    }, false);
    expect(seen?.aborted).toBe(false);
    expect(calls).toBe(0);
  });
});
