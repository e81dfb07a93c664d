import type { Token } from "node-llama-cpp";

/** The part of node-llama-cpp's response metadata that says why generation stopped. */
export interface StopMetadata {
  stopReason: string;
  customStopTrigger?: readonly (string | Token)[];
}

/**
 * The request `stop` string that ended generation (vLLM's `stop_reason`), or undefined when it ended
 * otherwise (end of generation, length, tool calls). node-llama-cpp reports a string trigger as the
 * list of its parts; joined, it is the string the request gave.
 */
export function matchedStop(metadata: StopMetadata, stops: readonly string[]): string | undefined {
  if (metadata.stopReason !== "customStopTrigger" || metadata.customStopTrigger === undefined)
    return undefined;
  const text = metadata.customStopTrigger.filter((part): part is string => typeof part === "string").join("");
  if (stops.includes(text)) return text;
  return stops.find((stop) => text.endsWith(stop) || stop.endsWith(text)) ?? (text === "" ? undefined : text);
}
