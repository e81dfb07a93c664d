import { describe, expect, it } from "vitest";
import { z } from "zod";
import { formatZodIssue } from "../errors/format-zod-issue.js";
import { samplingRangeFields } from "./sampling-range-fields.js";

const schema = z.object({ stop: samplingRangeFields.stop });

function refusal(body: unknown) {
  const parsed = schema.safeParse(body);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0];
  return issue === undefined ? null : formatZodIssue(issue);
}

describe("stop", () => {
  it("takes a string, up to 16 strings or null", () => {
    for (const stop of ["\n", ["a", "b"], Array(16).fill("x"), null, undefined])
      expect(refusal({ stop })).toBeNull();
  });

  it("says what it takes when given too many sequences or something else", () => {
    for (const stop of [Array(17).fill("x"), 5, { a: "b" }])
      expect(refusal({ stop })).toEqual({
        param: "stop",
        message: "invalid 'stop': expected a string or an array of at most 16 strings",
      });
    expect(refusal({ stop: ["ok", 3] })?.param).toBe("stop[1]");
  });
});
