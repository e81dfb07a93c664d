import { type HelexaError, invalidRequest } from "@helexa/core";
import type { z } from "zod";

type Issue = z.core.$ZodIssue;
type PathKey = PropertyKey;

/**
 * Turns the first zod issue into a 400 `invalid_request_error` whose `param` is the offending path in
 * Anthropic's dotted style (`messages.0.content.1.tool_use_id`) and whose message says what is wrong there.
 */
export function invalidRequestFromZod(error: z.ZodError, input: unknown): HelexaError {
  const first = error.issues[0];
  if (first === undefined) return invalidRequest("invalid request body", null, "invalid_anthropic_body");
  const { path, message } = describe(first, [], input);
  const param = path.length === 0 ? null : path.map(String).join(".");
  return invalidRequest(param === null ? message : `${param}: ${message}`, param, "invalid_anthropic_body");
}

function describe(issue: Issue, prefix: PathKey[], input: unknown): { path: PathKey[]; message: string } {
  const path = [...prefix, ...issue.path];
  if (issue.code === "invalid_union") {
    if (isDiscriminatorMiss(issue)) {
      const value = valueAt(input, path);
      const expected = "options" in issue ? (issue.options?.map(String).join(", ") ?? "") : "";
      const message =
        value === undefined
          ? `field required (one of: ${expected})`
          : `unsupported value ${preview(value)} (expected one of: ${expected})`;
      return { path, message };
    }
    const branch = deepestBranch(issue.errors);
    if (branch !== undefined) return describe(branch, path, input);
    const expected = issue.errors.flatMap((issues) =>
      issues.flatMap((candidate) => (candidate.code === "invalid_type" ? [candidate.expected] : [])),
    );
    const value = valueAt(input, path);
    const wanted = expected.join(" or ");
    if (value === undefined) return { path, message: `field required (expected ${wanted})` };
    return { path, message: `expected ${wanted}, received ${kindOf(value)}` };
  }
  if (issue.code === "invalid_type" && valueAt(input, path) === undefined) {
    return { path, message: "field required" };
  }
  if (issue.code === "invalid_type" && issue.expected === "int") {
    return { path, message: `expected an integer, received ${preview(valueAt(input, path))}` };
  }
  if (issue.code === "invalid_type") {
    return { path, message: `expected ${issue.expected}, received ${kindOf(valueAt(input, path))}` };
  }
  return { path, message: issue.message };
}

/** The branch that got furthest into the value (its first issue has the longest path), if any did. */
function deepestBranch(branches: Issue[][]): Issue | undefined {
  let best: Issue | undefined;
  for (const issues of branches) {
    const candidate = issues[0];
    if (candidate === undefined) continue;
    const deeper = candidate.path.length > (best?.path.length ?? 0);
    const discriminated = candidate.code === "invalid_union" && isDiscriminatorMiss(candidate);
    if (deeper || (discriminated && best === undefined)) best = candidate;
  }
  return best;
}

/** A discriminated union found no option for the discriminator's value (zod reports no branch errors). */
function isDiscriminatorMiss(issue: z.core.$ZodIssueInvalidUnion): boolean {
  return issue.discriminator !== undefined && issue.errors.length === 0;
}

function valueAt(input: unknown, path: PathKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/**
 * A scalar as JSON (a long string cut), an object or array by its kind: the client's value may be nested
 * past what JSON.stringify can walk, or megabytes long.
 */
function preview(value: unknown): string {
  if (typeof value === "object" && value !== null) return kindOf(value);
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 64 ? `${text.slice(0, 61)}...` : text;
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}
