import type { z } from "zod";

/** `messages[0].content` style path and a one-line message for a zod issue. */
export function formatZodIssue(issue: z.core.$ZodIssue): { param: string | null; message: string } {
  const param =
    issue.path
      .map((part, index) =>
        typeof part === "number" ? `[${part}]` : `${index === 0 ? "" : "."}${String(part)}`,
      )
      .join("") || null;
  const message = param === null ? issue.message : `invalid '${param}': ${issue.message}`;
  return { param, message };
}
