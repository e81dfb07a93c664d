import { HelexaError } from "@helexa/core";
import { describe, expect, it } from "vitest";
import { parseJsonBody } from "./serve-pass-through.js";

function refusal(raw: string) {
  try {
    parseJsonBody(raw);
  } catch (error) {
    if (HelexaError.is(error)) return error;
    throw error;
  }
  throw new Error(`accepted ${raw}`);
}

describe("parseJsonBody", () => {
  it("refuses malformed JSON with its own code, invalid_json, naming no field", () => {
    for (const raw of ['{"model": "tiny",', "not json", "", "{'model': 'tiny'}"]) {
      const error = refusal(raw);
      expect(error.statusCode, raw).toBe(400);
      expect(error.type).toBe("invalid_request_error");
      expect(error.code, raw).toBe("invalid_json");
      expect(error.message, raw).toMatch(/not valid JSON/);
      expect(error.param, raw).toBeNull();
    }
  });

  it("refuses JSON that is not an object without blaming the model field", () => {
    for (const raw of ["[1]", "null", '"text"']) {
      const error = refusal(raw);
      expect(error.statusCode, raw).toBe(400);
      expect(error.type).toBe("invalid_request_error");
      expect(error.code).toBe("missing_model_field");
      expect(error.param, raw).toBeNull();
    }
  });

  it("names the model field when it is missing, not a string, or empty", () => {
    for (const raw of ["{}", '{"model": 3}', '{"model": ""}']) {
      expect(refusal(raw).param, raw).toBe("model");
    }
  });

  it("keeps the text as sent beside the parsed object", () => {
    const raw = '{ "model": "tiny", "n": 1 }';
    expect(parseJsonBody(raw)).toEqual({ raw, body: { model: "tiny", n: 1 } });
  });
});
