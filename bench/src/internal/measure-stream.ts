import { type Agent, request } from "node:http";
import { chatRequestBody } from "./chat-request.js";
import type { ProxyTarget } from "./proxy-target.js";
import { createSseSplitter } from "./read-sse-events.js";
import { wallClockMs } from "./wall-clock.js";

export interface StreamTiming {
  /** Request sent → first body byte, ms. */
  timeToFirstByteMs: number;
  /** Per content chunk: arrival at the client minus the stub's write time, ms. */
  chunkDelaysMs: number[];
  /** Wall clock when the first content chunk arrived / when the stub wrote the last one. */
  firstArrivalWallMs: number;
  lastWriteWallMs: number;
  sawDone: boolean;
}

function writeTime(data: string): number | undefined {
  if (data === "[DONE]") return undefined;
  const parsed = JSON.parse(data) as { choices?: { delta?: { content?: unknown } }[] };
  const content = parsed.choices?.[0]?.delta?.content;
  if (typeof content !== "string" || !content.startsWith("t=")) return undefined;
  return Number(content.slice(2));
}

/**
 * Streams one chat completion from `target` and times every chunk against the stub's stamp in it. `instant`:
 * the stub writes the whole stream at once (see `chatRequestBody`).
 */
export function measureStream(target: ProxyTarget, agent: Agent, instant = false): Promise<StreamTiming> {
  const body = chatRequestBody({ stream: true, instant });
  return new Promise((resolve, reject) => {
    const timing: StreamTiming = {
      timeToFirstByteMs: Number.NaN,
      chunkDelaysMs: [],
      firstArrivalWallMs: Number.NaN,
      lastWriteWallMs: Number.NaN,
      sawDone: false,
    };
    const split = createSseSplitter((data, arrivedAt) => {
      if (data === "[DONE]") timing.sawDone = true;
      const written = writeTime(data);
      if (written === undefined) return;
      if (timing.chunkDelaysMs.length === 0) timing.firstArrivalWallMs = arrivedAt;
      timing.chunkDelaysMs.push(arrivedAt - written);
      timing.lastWriteWallMs = written;
    });
    const started = performance.now();
    const outgoing = request(
      `${target.baseUrl}/v1/chat/completions`,
      {
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          ...target.headers,
        },
      },
      (response) => {
        if (response.statusCode !== 200) {
          const parts: Buffer[] = [];
          response.on("data", (part: Buffer) => parts.push(part));
          response.on("end", () => {
            const excerpt = Buffer.concat(parts).toString("utf8").slice(0, 200);
            reject(
              new Error(`${target.name} answered ${response.statusCode} to a streamed request: ${excerpt}`),
            );
          });
          return;
        }
        response.setEncoding("utf8");
        response.on("data", (text: string) => {
          if (Number.isNaN(timing.timeToFirstByteMs)) timing.timeToFirstByteMs = performance.now() - started;
          split(text, wallClockMs());
        });
        response.on("end", () => resolve(timing));
        response.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}
