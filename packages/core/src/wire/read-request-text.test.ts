import { describe, expect, it } from "vitest";
import { HelexaError } from "../errors/helexa-error.js";
import { readRequestText } from "./read-request-text.js";

/** A request whose body sends `first`, then fails as Node's does when the client's connection drops. */
function cutRequest(first: string, headers: Record<string, string> = {}): Request {
  let sent = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent) controller.error(Object.assign(new Error("aborted"), { code: "ECONNRESET" }));
      else controller.enqueue(new TextEncoder().encode(first));
      sent = true;
    },
  });
  return new Request("http://cortex.test/v1/messages", { method: "POST", body, headers, duplex: "half" });
}

/** A chunked request whose body arrives in `parts`. */
function chunked(parts: string[]): Request {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const part of parts) controller.enqueue(new TextEncoder().encode(part));
      controller.close();
    },
  });
  return new Request("http://cortex.test/v1/messages", { method: "POST", body, duplex: "half" });
}

async function refusal(reading: Promise<unknown>): Promise<HelexaError> {
  const error = await reading.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!HelexaError.is(error)) throw new Error(`expected a HelexaError, got ${String(error)}`);
  return error;
}

describe("readRequestText", () => {
  it("a body cut off by the client is its 499 (with or without Content-Length), not an error of the server's", async () => {
    const declared: Record<string, string>[] = [{}, { "content-length": "100" }];
    for (const headers of declared) {
      const error = await refusal(readRequestText(cutRequest('{"model"', headers), 1000));
      expect(error.statusCode).toBe(499);
      expect(error.code).toBe("client_closed_request");
    }
  });

  it("413 over the limit, by Content-Length before reading or while reading a chunked body", async () => {
    const tooLarge = await refusal(readRequestText(cutRequest("x".repeat(50)), 10));
    expect(tooLarge.statusCode).toBe(413);
    const declared = await refusal(readRequestText(cutRequest("{}", { "content-length": "5000" }), 10));
    expect(declared.statusCode).toBe(413);
  });

  it("joins a chunked body's parts, even a character split between them, and drops a leading BOM", async () => {
    const euro = new TextEncoder().encode("€");
    const split = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array([0xef, 0xbb, 0xbf, ...euro.slice(0, 1)]));
        controller.enqueue(euro.slice(1));
        controller.close();
      },
    });
    const request = new Request("http://cortex.test/x", { method: "POST", body: split, duplex: "half" });
    expect(await readRequestText(request, 100)).toBe("€");
    expect(await readRequestText(chunked(['{"a":', "1}"]), 100)).toBe('{"a":1}');
  });
});
