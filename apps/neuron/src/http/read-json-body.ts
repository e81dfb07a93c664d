import { invalidRequest, payloadTooLarge } from "@helexa/core";
import type { Context } from "hono";
import type { z } from "zod";
import { formatZodIssue } from "./format-zod-issue.js";

/**
 * Reads and parses the JSON body (at most `limitBytes`), then validates it: malformed JSON and wrong
 * types become 400 envelopes, the latter with `param` naming the field.
 */
export async function readJsonBody<S extends z.ZodType>(
  c: Context,
  schema: S,
  limitBytes: number,
): Promise<z.output<S>> {
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > limitBytes) throw payloadTooLarge(limitBytes);
  const text = await c.req.text();
  if (Buffer.byteLength(text) > limitBytes) throw payloadTooLarge(limitBytes);
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
