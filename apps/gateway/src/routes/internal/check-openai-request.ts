import { invalidRequest } from "@helexa/core";
import type { z } from "zod";
import type { UpstreamRoute } from "../../dispatch/dispatch.js";
import { openAiRequestSchemas } from "./openai-request-schemas.js";

/**
 * Refuses an OpenAI request whose fields have the wrong type, range or shape: 400
 * `invalid_request_error` with `param` naming the field as the neuron does (`messages[3].content`,
 * `tools[0].function.parameters`). Unknown fields pass.
 */
export function checkOpenAiRequest(route: UpstreamRoute, body: Record<string, unknown>): void {
  if (route === "/v1/tokenize") return;
  const parsed = openAiRequestSchemas[route].safeParse(body);
  if (parsed.success) return;
  const first = parsed.error.issues[0];
  if (first === undefined) throw invalidRequest("invalid request body");
  const issue = deepestUnionIssue(first);
  const param =
    issue.path
      .map((part, index) =>
        typeof part === "number" ? `[${part}]` : `${index === 0 ? "" : "."}${String(part)}`,
      )
      .join("") || null;
  // zod's "received undefined" is a field the body does not have; said in the client's terms.
  const detail =
    issue.code === "invalid_type" && issue.message.endsWith("received undefined")
      ? `required (expected ${issue.expected})`
      : issue.message;
  throw invalidRequest(param === null ? detail : `invalid '${param}': ${detail}`, param);
}

/** For a value no union member took, the issue of the member that got furthest into it, full path. */
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
