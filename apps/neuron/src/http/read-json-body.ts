import { formatZodIssue, HelexaError, invalidRequest, readRequestText } from "@helexa/core";
import type { Context } from "hono";
import type { z } from "zod";
import { nodeOutgoing } from "./node-outgoing.js";

/**
 * Reads the body with core's `readRequestText` (at most `limitBytes`: 413 beyond, 499 when the client went
 * away first; UTF-8 without a leading byte-order mark, as cortex reads it), parses and validates it: malformed
 * JSON and wrong types become 400 envelopes, the latter with `param` naming the field.
 */
export async function readJsonBody<S extends z.ZodType>(
  c: Context,
  schema: S,
  limitBytes: number,
): Promise<z.output<S>> {
  const text = await readRequestText(c.req.raw, limitBytes).catch((error: unknown) => {
    // A body refused for its size was not read to its end: the connection closes after the reply instead.
    if (HelexaError.is(error) && error.statusCode === 413) {
      const outgoing = nodeOutgoing(c);
      if (outgoing !== undefined) outgoing.shouldKeepAlive = false;
    }
    throw error;
  });
  if (text.trim() === "") throw invalidRequest("request body is empty; expected a JSON object");
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw invalidRequest(`request body is not valid JSON: ${detail}`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw invalidRequest("request body must be a JSON object");
  }
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (issue === undefined) throw invalidRequest("invalid request body");
  const { param, message } = formatZodIssue(issue);
  throw invalidRequest(message, param);
}
