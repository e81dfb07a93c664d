import { HelexaError, serviceUnavailable } from "@helexa/core";
import { describe, expect, it } from "vitest";
import { AdmissionQueue, retryAfterSecs } from "./admission-queue.js";

function queue(maxInFlight: number, maxQueueDepth: number, maxWaitMs = 30_000) {
  return new AdmissionQueue({ maxInFlight, maxQueueDepth, maxWaitMs });
}

describe("AdmissionQueue", () => {
  it("admits up to max_in_flight and reports load", async () => {
    const admission = queue(1, 8);
    const ticket = await admission.enter();
    expect([admission.inFlight, admission.queueDepth]).toEqual([1, 0]);
    ticket.release();
    ticket.release();
    expect([admission.inFlight, admission.queueDepth]).toEqual([0, 0]);
  });

  it("tryEnter takes a free place at once, and none while full, while someone waits, or once closed", async () => {
    const admission = queue(2, 4);
    const first = admission.tryEnter();
    expect(first).toBeDefined();
    const second = await admission.enter();
    expect(admission.tryEnter()).toBeUndefined();
    const waiting = admission.enter();
    first?.release();
    // The freed place went to the waiter, not to a newcomer.
    expect(admission.tryEnter()).toBeUndefined();
    (await waiting).release();
    expect(admission.inFlight).toBe(1);
    admission.close(() => serviceUnavailable("closing", 1));
    expect(admission.tryEnter()).toBeUndefined();
    second.release();
    expect(admission.inFlight).toBe(0);
  });

  it("rejects when the queue is full with 503 and Retry-After, and the waiter later proceeds", async () => {
    const admission = queue(1, 1);
    const first = await admission.enter();
    const waiting = admission.enter();
    expect(admission.queueDepth).toBe(1);
    const refused = await admission.enter().catch((error: unknown) => error);
    expect(HelexaError.is(refused)).toBe(true);
    const error = refused as HelexaError;
    expect(error.statusCode).toBe(503);
    expect(error.code).toBe("rate_limit_exceeded");
    expect(error.retryAfterSecs).toBeGreaterThanOrEqual(1);
    first.release();
    const second = await waiting;
    expect([admission.inFlight, admission.queueDepth]).toEqual([1, 0]);
    second.release();
    expect(admission.inFlight).toBe(0);
  });

  it("rejects on wait timeout and frees the queue slot", async () => {
    const admission = queue(1, 1, 0);
    const first = await admission.enter();
    const refused = await admission.enter().catch((error: unknown) => error);
    expect((refused as HelexaError).statusCode).toBe(503);
    expect(admission.queueDepth).toBe(0);
    first.release();
  });

  it("a waiter whose signal aborts leaves the queue at once", async () => {
    const admission = queue(1, 2);
    const first = await admission.enter();
    const controller = new AbortController();
    const waiting = admission.enter(controller.signal).catch((error: unknown) => error);
    expect(admission.queueDepth).toBe(1);
    controller.abort(new Error("client went away"));
    expect(((await waiting) as HelexaError).code).toBe("client_closed_request");
    expect(admission.queueDepth).toBe(0);
    first.release();
    expect(admission.inFlight).toBe(0);
  });

  it("serves waiters in FIFO order", async () => {
    const admission = queue(1, 3);
    const first = await admission.enter();
    const order: number[] = [];
    const waiters = [1, 2, 3].map((n) =>
      admission.enter().then((ticket) => {
        order.push(n);
        ticket.release();
      }),
    );
    first.release();
    await Promise.all(waiters);
    expect(order).toEqual([1, 2, 3]);
  });

  it("close refuses waiters and later requests", async () => {
    const admission = queue(1, 2);
    const first = await admission.enter();
    const waiting = admission.enter().catch((error: unknown) => error);
    admission.close(() => serviceUnavailable("draining", 5));
    expect(((await waiting) as HelexaError).message).toBe("draining");
    expect(((await admission.enter().catch((error: unknown) => error)) as HelexaError).retryAfterSecs).toBe(
      5,
    );
    first.release();
    expect(admission.inFlight).toBe(0);
  });

  it("computes Retry-After as (queue_depth + 1) * 2 clamped to 1..120", () => {
    expect(retryAfterSecs(0)).toBe(2);
    expect(retryAfterSecs(8)).toBe(18);
    expect(retryAfterSecs(500)).toBe(120);
  });
});
