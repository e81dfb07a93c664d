import { describe, expect, it } from "vitest";
import { z } from "zod";
import { formatZodIssue } from "../errors/format-zod-issue.js";
import { completionPromptSchema } from "./completion-prompt.js";

const schema = z.object({ prompt: completionPromptSchema });

function refusal(prompt: unknown) {
  const parsed = schema.safeParse({ prompt });
  if (parsed.success) return null;
  const issue = parsed.error.issues[0];
  return issue === undefined ? null : formatZodIssue(issue);
}

describe("completionPromptSchema", () => {
  it("takes a string, token ids, or a batch of either", () => {
    for (const prompt of ["", "hi", [1, 2], ["a", "b"], [[1], [2, 3]]]) expect(refusal(prompt)).toBeNull();
  });

  it("says what it takes for an empty batch or something else, instead of zod's 'Invalid input'", () => {
    for (const prompt of [[], 5, { text: "hi" }, null])
      expect(refusal(prompt)).toEqual({
        param: "prompt",
        message: "invalid 'prompt': expected a string, token ids, or a non-empty array of either",
      });
  });
});
