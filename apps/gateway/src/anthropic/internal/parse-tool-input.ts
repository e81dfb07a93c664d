/**
 * A tool call's `arguments` (a JSON string, or an object from servers that send one) as Anthropic's
 * `input` object. Arguments that are not a JSON object give `{}`: Anthropic clients require an object,
 * and an empty one lets the tool report the missing fields instead of the client crashing.
 */
export function parseToolInput(
  argumentsValue: string | Record<string, unknown> | null | undefined,
): Record<string, unknown> {
  if (argumentsValue === null || argumentsValue === undefined) return {};
  if (typeof argumentsValue !== "string") return argumentsValue;
  if (argumentsValue.trim() === "") return {};
  try {
    const parsed: unknown = JSON.parse(argumentsValue);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}
