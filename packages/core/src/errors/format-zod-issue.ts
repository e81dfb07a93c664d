import type { z } from "zod";

/**
 * The `param` (a `messages[0].content` style path, or null at the top level) and a one-line message for
 * a zod issue of a request body, as cortex and the neuron both word their 400s: `invalid 'top_p': Too
 * big: expected number to be <=1`, or `required (expected string)` for a missing field. For a union no
 * member took, it names the member that got furthest in.
 */
export function formatZodIssue(issue: z.core.$ZodIssue): { param: string | null; message: string } {
  const specific = deepestUnionIssue(issue);
  const param =
    specific.path
      .map((part, index) =>
        typeof part === "number" ? `[${part}]` : `${index === 0 ? "" : "."}${String(part)}`,
      )
      .join("") || null;
  const detail = isMissing(specific) ? `required (expected ${specific.expected})` : specific.message;
  const message = param === null ? detail : `invalid '${param}': ${detail}`;
  return { param, message };
}

/** zod's "received undefined" is a field the body does not have; said in the client's terms. */
function isMissing(issue: z.core.$ZodIssue): issue is z.core.$ZodIssueInvalidType {
  return issue.code === "invalid_type" && issue.message.endsWith("received undefined");
}

/**
 * For a value that matched no member of a union, the issue of the member that got furthest into it (a
 * tool whose `parameters` are wrong names `tools[0].parameters`, not `tools[0]`), with its full path.
 */
function deepestUnionIssue(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== "invalid_union") return issue;
  let best: z.core.$ZodIssue | undefined;
  for (const branch of issue.errors) {
    const first = branch[0];
    if (first !== undefined && first.path.length > (best?.path.length ?? 0)) best = first;
  }
  if (best === undefined) return issue;
  return deepestUnionIssue({ ...best, path: [...issue.path, ...best.path] } as z.core.$ZodIssue);
}
