import { Agent, type ClientRequest, request } from "node:http";
import { chatRequestBody } from "./chat-request.js";
import type { ProxyTarget } from "./proxy-target.js";

export interface OpenStreams {
  /** Streams whose first chunk has arrived and that are still open. */
  count(): number;
  closeAll(): void;
}

function openOne(target: ProxyTarget, agent: Agent, body: string, timeoutMs: number): Promise<ClientRequest> {
  return new Promise((resolve, reject) => {
    const outgoing = request(`${target.baseUrl}/v1/chat/completions`, {
      method: "POST",
      agent,
      headers: {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
        ...target.headers,
      },
    });
    const timer = setTimeout(() => {
      outgoing.destroy();
      reject(new Error(`${target.name}: no first chunk within ${timeoutMs} ms`));
    }, timeoutMs);
    outgoing.on("response", (response) => {
      if (response.statusCode !== 200) {
        clearTimeout(timer);
        outgoing.destroy();
        reject(new Error(`${target.name} answered ${response.statusCode} to a stream`));
        return;
      }
      response.once("data", () => {
        clearTimeout(timer);
        resolve(outgoing);
      });
      response.on("data", () => {});
    });
    outgoing.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    outgoing.end(body);
  });
}

/**
 * Opens `total` streamed chat completions to `target`, `batch` at a time (so the listen backlog never
 * overflows), each counted once its first chunk arrived; they stay open until `closeAll`.
 */
export async function openStreams(
  target: ProxyTarget,
  total: number,
  batch = 100,
  timeoutMs = 30_000,
): Promise<OpenStreams> {
  const agent = new Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
  const body = chatRequestBody({ stream: true });
  const open: ClientRequest[] = [];
  const closeAll = () => {
    for (const outgoing of open) outgoing.destroy();
    open.length = 0;
    agent.destroy();
  };
  try {
    while (open.length < total) {
      const size = Math.min(batch, total - open.length);
      open.push(
        ...(await Promise.all(Array.from({ length: size }, () => openOne(target, agent, body, timeoutMs)))),
      );
    }
  } catch (error) {
    closeAll();
    throw error;
  }
  return { count: () => open.filter((outgoing) => !outgoing.destroyed).length, closeAll };
}
