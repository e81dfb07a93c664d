import { HelexaError } from "@helexa/core";
import { describe, expect, it } from "vitest";
import { readJsonBody, readRequestText } from "./read-json-body.js";

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

async function refusal(reading: Promise<unknown>): Promise<HelexaError> {
  const error = await reading.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!HelexaError.is(error)) throw new Error(`expected a HelexaError, got ${String(error)}`);
  return error;
}

describe("readRequestText", () => {
  it("a body cut off by the client is its 499 (with or without Content-Length), not an error of cortex's", async () => {
    const declared: Record<string, string>[] = [{}, { "content-length": "100" }];
    for (const headers of declared) {
      const error = await refusal(readRequestText(cutRequest('{"model"', headers), 1000));
      expect(error.statusCode).toBe(499);
      expect(error.code).toBe("client_closed_request");
    }
  });

  it("keeps its own refusals: 413 over the limit, 400 for JSON that does not parse", async () => {
    const tooLarge = await refusal(readRequestText(cutRequest("x".repeat(50)), 10));
    expect(tooLarge.statusCode).toBe(413);
    const declared = await refusal(readRequestText(cutRequest("{}", { "content-length": "5000" }), 10));
    expect(declared.statusCode).toBe(413);
    const request = new Request("http://cortex.test/v1/messages", { method: "POST", body: "{nope" });
    expect((await refusal(readJsonBody(request, 1000))).code).toBe("invalid_json");
  });
});
