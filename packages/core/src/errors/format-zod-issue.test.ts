import { describe, expect, it } from "vitest";
import { z } from "zod";
import { formatZodIssue } from "./format-zod-issue.js";

function firstIssue(schema: z.ZodType, value: unknown): z.core.$ZodIssue {
  const parsed = schema.safeParse(value);
  const issue = parsed.success ? undefined : parsed.error.issues[0];
  if (issue === undefined) throw new Error("expected an issue");
  return issue;
}

describe("formatZodIssue", () => {
  const body = z.object({
    model: z.string(),
    top_p: z.number().max(1).optional(),
    messages: z.array(z.object({ content: z.string() })).optional(),
    tools: z
      .array(z.union([z.literal("none"), z.object({ parameters: z.object({ type: z.string() }) })]))
      .optional(),
  });

  it("names a nested field the way OpenAI's param does", () => {
    const { param, message } = formatZodIssue(firstIssue(body, { model: "m", messages: [{ content: 7 }] }));
    expect(param).toBe("messages[0].content");
    expect(message).toMatch(/^invalid 'messages\[0\]\.content': /);
  });

  it("says a missing field is required, with its expected type", () => {
    expect(formatZodIssue(firstIssue(body, {}))).toEqual({
      param: "model",
      message: "invalid 'model': required (expected string)",
    });
  });

  it("names the union member that got furthest in, with its full path", () => {
    const issue = firstIssue(body, { model: "m", tools: [{ parameters: { type: 1 } }] });
    expect(formatZodIssue(issue).param).toBe("tools[0].parameters.type");
  });

  it("has no param for a problem with the body itself", () => {
    const { param, message } = formatZodIssue(firstIssue(body, "text"));
    expect(param).toBeNull();
    expect(message).not.toMatch(/^invalid '/);
  });
});
