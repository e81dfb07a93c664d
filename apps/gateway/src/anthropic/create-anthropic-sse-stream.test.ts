import { describe, expect, it } from "vitest";
import { waitFor } from "../test-support/gate.js";
import type { AnthropicStreamEvent } from "./anthropic-stream-event.js";
import { createAnthropicSseStream, type ScheduleInterval } from "./create-anthropic-sse-stream.js";
import { accumulateAnthropicEvents } from "./test-support/accumulate-anthropic-events.js";
import { contentChunk, finishChunk, roleChunk, sseBody, usageChunk } from "./test-support/openai-chunks.js";
import { byteStream, parseSseFrames, readSseFrames } from "./test-support/read-sse-frames.js";

/** A scheduler driven by hand: `tick()` runs the callback as if the interval elapsed. */
function manualSchedule() {
  let callback: (() => void) | undefined;
  let stopped = false;
  const schedule: ScheduleInterval = (next) => {
    callback = next;
    return () => {
      stopped = true;
    };
  };
  return { schedule, tick: () => callback?.(), isStopped: () => stopped };
}

/** An upstream whose bytes the test writes as it goes. */
function controllableUpstream() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let cancelled: unknown = null;
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel(reason) {
      cancelled = reason ?? "cancelled";
    },
  });
  const encoder = new TextEncoder();
  return {
    stream,
    write: (text: string) => controller.enqueue(encoder.encode(text)),
    close: () => controller.close(),
    fail: (error: Error) => controller.error(error),
    wasCancelled: () => cancelled !== null,
  };
}

const events = (frames: { data: Record<string, unknown> }[]) =>
  frames.map((frame) => frame.data) as AnthropicStreamEvent[];

describe("createAnthropicSseStream", () => {
  it("re-encodes an upstream byte stream split at arbitrary points, multi-byte text included", async () => {
    const upstream = byteStream(
      sseBody([
        roleChunk(),
        contentChunk("Grüße "),
        contentChunk("🌍!"),
        finishChunk("stop"),
        usageChunk(5, 3),
      ]),
      5,
    );
    const { schedule, isStopped } = manualSchedule();
    const frames = await readSseFrames(
      createAnthropicSseStream(upstream, { model: "tiny", scheduleInterval: schedule }),
    );
    expect(frames.map((frame) => frame.event)).toEqual([
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    const { message } = accumulateAnthropicEvents(events(frames));
    expect(message.content).toEqual([{ type: "text", text: "Grüße 🌍!" }]);
    expect(message.usage).toMatchObject({ input_tokens: 5, output_tokens: 3 });
    expect(isStopped()).toBe(true);
  });

  it("sends message_start at once and pings while the upstream is silent", async () => {
    const upstream = controllableUpstream();
    const { schedule, tick } = manualSchedule();
    const stream = createAnthropicSseStream(upstream.stream, { model: "tiny", scheduleInterval: schedule });
    const reader = stream.getReader();
    const decoder = new TextDecoder();
    const readFrame = async () => parseSseFrames(decoder.decode((await reader.read()).value));

    expect((await readFrame())[0]?.event).toBe("message_start");
    tick(); // message_start went out since the last tick: no ping yet
    tick();
    expect(await readFrame()).toEqual([{ event: "ping", data: { type: "ping" } }]);

    upstream.write(sseBody([contentChunk("hi")], false));
    const afterData = await readFrame();
    expect(afterData.map((frame) => frame.event)).toEqual(["content_block_start", "content_block_delta"]);
    tick(); // data went out since the last tick
    upstream.write(sseBody([finishChunk("stop")]));
    upstream.close();
    const rest: string[] = [];
    for (let next = await reader.read(); !next.done; next = await reader.read())
      rest.push(decoder.decode(next.value));
    expect(parseSseFrames(rest.join("")).map((frame) => frame.event)).toEqual([
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
  });

  it("ends with an error event when the upstream connection breaks mid-stream", async () => {
    const upstream = controllableUpstream();
    const { schedule, isStopped } = manualSchedule();
    const stream = createAnthropicSseStream(upstream.stream, { model: "tiny", scheduleInterval: schedule });
    upstream.write(sseBody([roleChunk(), contentChunk("partial")], false));
    setTimeout(() => upstream.fail(new Error("socket hang up")), 0);
    const frames = await readSseFrames(stream);
    expect(frames.at(-1)).toEqual({
      event: "error",
      data: {
        type: "error",
        error: { type: "api_error", message: "upstream connection lost before the reply finished" },
      },
    });
    expect(frames.filter((frame) => frame.event === "message_stop")).toEqual([]);
    expect(isStopped()).toBe(true);
  });

  it("ends with an error event when the upstream ends before any finish_reason", async () => {
    const frames = await readSseFrames(
      createAnthropicSseStream(byteStream(sseBody([contentChunk("cut")], false)), {
        model: "tiny",
        scheduleInterval: manualSchedule().schedule,
      }),
    );
    expect(frames.at(-1)?.data).toMatchObject({ type: "error", error: { type: "api_error" } });
  });

  it("finishes normally when the upstream omits [DONE] after a finish_reason", async () => {
    const frames = await readSseFrames(
      createAnthropicSseStream(byteStream(sseBody([contentChunk("ok"), finishChunk("length")], false)), {
        model: "tiny",
        scheduleInterval: manualSchedule().schedule,
      }),
    );
    expect(frames.at(-1)?.event).toBe("message_stop");
    expect(frames.at(-2)?.data).toMatchObject({ delta: { stop_reason: "max_tokens" } });
  });

  it("turns an upstream error object into an error event and releases the upstream", async () => {
    const upstream = controllableUpstream();
    upstream.write(sseBody([contentChunk("a")], false));
    upstream.write(
      `data: ${JSON.stringify({ error: { message: "model recovering", type: "api_error" } })}\n\n`,
    );
    const frames = await readSseFrames(
      createAnthropicSseStream(upstream.stream, {
        model: "tiny",
        scheduleInterval: manualSchedule().schedule,
      }),
    );
    expect(frames.at(-1)?.data).toEqual({
      type: "error",
      error: { type: "api_error", message: "model recovering" },
    });
    expect(upstream.wasCancelled()).toBe(true);
  });

  it("cancels the upstream and stops pinging when the client goes away", async () => {
    const upstream = controllableUpstream();
    const { schedule, isStopped } = manualSchedule();
    const stream = createAnthropicSseStream(upstream.stream, { model: "tiny", scheduleInterval: schedule });
    const reader = stream.getReader();
    await reader.read();
    await reader.cancel("client disconnected");
    expect(upstream.wasCancelled()).toBe(true);
    expect(isStopped()).toBe(true);
  });

  it("closes at [DONE] and reads the upstream to its own end instead of cutting it", async () => {
    const upstream = controllableUpstream();
    upstream.write(sseBody([roleChunk(), contentChunk("hi"), finishChunk("stop"), usageChunk(2, 1)]));
    const frames = await readSseFrames(
      createAnthropicSseStream(upstream.stream, {
        model: "tiny",
        scheduleInterval: manualSchedule().schedule,
        drainGraceMs: 60_000,
      }),
    );
    expect(frames.at(-1)?.event).toBe("message_stop");
    upstream.close();
    await new Promise((resolve) => setImmediate(resolve));
    expect(upstream.wasCancelled()).toBe(false);
  });

  it("cuts an upstream that stays open after [DONE] once the drain grace has passed", async () => {
    const upstream = controllableUpstream();
    upstream.write(sseBody([roleChunk(), contentChunk("hi"), finishChunk("stop")]));
    const frames = await readSseFrames(
      createAnthropicSseStream(upstream.stream, {
        model: "tiny",
        scheduleInterval: manualSchedule().schedule,
        drainGraceMs: 10,
      }),
    );
    expect(frames.at(-1)?.event).toBe("message_stop");
    await waitFor(() => upstream.wasCancelled());
  });

  it("turns upstream SSE comments into pings, never passing a comment through", async () => {
    const upstream = controllableUpstream();
    upstream.write(": cortex: loading model\n\n: cortex: loading model\n\n");
    upstream.write(sseBody([roleChunk(), contentChunk("hi")], false));
    upstream.write(": keep-alive\n\n");
    upstream.write(sseBody([finishChunk("stop")]));
    upstream.close();
    const { schedule } = manualSchedule();
    const text = await new Response(
      createAnthropicSseStream(upstream.stream, { model: "tiny", scheduleInterval: schedule }),
    ).text();
    expect(text).not.toMatch(/^:/m);
    const names = parseSseFrames(text).map((frame) => frame.event);
    expect(names).toEqual([
      "message_start",
      "ping",
      "ping",
      "content_block_start",
      "content_block_delta",
      "ping",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
  });
});
