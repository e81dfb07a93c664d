import { invalidRequest } from "@helexa/core/errors";
import type { EngineRequest, EngineSampling } from "../ipc/engine-request.js";

/**
 * Refuses (400, naming the field) a request the engine must not run: the HTTP routes validate every
 * field, but node-llama-cpp applies sampling options inside the batch loop that all sequences share, where
 * one wrong value (a `repeatPenalty` that is not a number) throws past every request and ends the worker.
 * Checked in the worker before a request counts or generates, so a malformed request fails alone.
 */
export function checkEngineRequest(request: EngineRequest): void {
  const record = request as unknown as Record<string, unknown>;
  if (request.kind === "completion") {
    checkCompletion(record);
  } else if (request.kind === "chat") {
    checkChat(record);
  } else refuse("kind", "expected 'chat' or 'completion'");
  checkSampling(record.sampling);
}

function checkCompletion(request: Record<string, unknown>): void {
  const prompt = request.prompt;
  if (typeof prompt !== "string" && !(Array.isArray(prompt) && prompt.every(Number.isSafeInteger)))
    refuse("prompt", "expected a string or token ids");
  if (request.echo !== undefined && typeof request.echo !== "boolean") refuse("echo", "expected a boolean");
  const infill = request.infill;
  if (infill === undefined) return;
  if (!isRecord(infill) || (infill.param !== "suffix" && infill.param !== "input_suffix"))
    refuse("suffix", "expected a fill-in-the-middle request");
  const param = infill.param;
  if (typeof infill.suffix !== "string") refuse(param, "expected a string");
  if (infill.middle !== undefined && typeof infill.middle !== "string") refuse("prompt", "expected a string");
  const extra = infill.extra;
  if (extra !== undefined && !(Array.isArray(extra) && extra.every((chunk) => typeof chunk === "string")))
    refuse("input_extra", "expected text chunks");
}

function checkChat(request: Record<string, unknown>): void {
  const messages = request.messages;
  if (!Array.isArray(messages)) refuse("messages", "expected an array");
  for (const [index, message] of messages.entries()) {
    if (!isRecord(message) || typeof message.content !== "string" || typeof message.role !== "string")
      refuse(`messages[${index}]`, "expected a message with text content");
  }
  const tools = request.tools;
  if (!Array.isArray(tools)) refuse("tools", "expected an array");
  for (const [index, tool] of tools.entries()) {
    if (!isRecord(tool) || typeof tool.name !== "string") refuse(`tools[${index}]`, "expected a named tool");
    if (tool.parameters !== undefined && !isRecord(tool.parameters))
      refuse(`tools[${index}].function.parameters`, "expected an object");
  }
}

const numberRanges: ReadonlyArray<[keyof EngineSampling, string, number, number, boolean]> = [
  ["temperature", "temperature", 0, 2, false],
  ["topP", "top_p", 0, 1, false],
  ["topK", "top_k", 0, 2_147_483_647, true],
  ["minP", "min_p", 0, 1, false],
  ["seed", "seed", Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, true],
  ["presencePenalty", "presence_penalty", -2, 2, false],
  ["frequencyPenalty", "frequency_penalty", -2, 2, false],
  ["repeatPenalty", "repeat_penalty", Number.MIN_VALUE, Number.MAX_VALUE, false],
  ["maxTokens", "max_tokens", 1, Number.MAX_SAFE_INTEGER, true],
  ["logprobs", "top_logprobs", 0, 20, true],
];

function checkSampling(sampling: unknown): void {
  if (!isRecord(sampling)) refuse("sampling", "expected an object");
  for (const [key, param, min, max, integer] of numberRanges) {
    const value = sampling[key];
    if (value === undefined && key !== "temperature") continue;
    if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max)
      refuse(param, `expected a number from ${min} to ${max}`);
    if (integer && !Number.isInteger(value)) refuse(param, "expected an integer");
  }
  const stop = sampling.stop;
  if (!Array.isArray(stop) || stop.some((entry) => typeof entry !== "string" || entry === ""))
    refuse("stop", "expected non-empty strings");
  const bias = sampling.logitBias;
  if (bias === undefined) return;
  if (!isRecord(bias)) refuse("logit_bias", "expected an object");
  for (const [key, value] of Object.entries(bias)) {
    if (!/^\d{1,9}$/.test(key)) refuse("logit_bias", `expected token ids as keys, got '${key.slice(0, 32)}'`);
    if (typeof value !== "number" || !Number.isFinite(value) || value < -100 || value > 100)
      refuse("logit_bias", "expected biases from -100 to 100");
  }
}

function refuse(param: string, detail: string): never {
  throw invalidRequest(`invalid '${param}': ${detail}`, param);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
