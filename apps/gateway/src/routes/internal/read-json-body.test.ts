import { HelexaError } from "@helexa/core";
import { describe, expect, it } from "vitest";
import { readJsonBody } from "./read-json-body.js";

describe("readJsonBody", () => {
  it("refuses JSON that does not parse with 400 invalid_json", async () => {
    const request = new Request("http://cortex.test/v1/messages", { method: "POST", body: "{nope" });
    const error = await readJsonBody(request, 1000).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    if (!HelexaError.is(error)) throw new Error(`expected a HelexaError, got ${String(error)}`);
    expect(error.code).toBe("invalid_json");
  });
});
