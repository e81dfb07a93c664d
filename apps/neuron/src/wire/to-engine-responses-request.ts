import {
  chainedConversationNotSupported,
  imagePartUnsupported,
  invalidRequest,
  requestedOutputLimit,
} from "@helexa/core";
import type {
  EngineChatRequest,
  EngineMessage,
  EngineResponseFormat,
  EngineTool,
} from "../ipc/engine-request.js";
import type { ResponsesInputItem, ResponsesRequest } from "./responses-request.js";
import { toEngineSampling } from "./to-engine-sampling.js";
import { responsesTopLogprobs } from "./top-logprobs-of.js";

/**
 * A Responses request as a chat request: `instructions` lead as a system turn, a string input is one
 * user turn, items map to turns (function calls and their outputs included, reasoning dropped).
 */
export function toEngineResponsesRequest(body: ResponsesRequest): EngineChatRequest {
  if (body.previous_response_id != null) {
    throw chainedConversationNotSupported("previous_response_id is not supported on this neuron");
  }
  if ((body.n ?? 1) !== 1) throw invalidRequest("a response has one output; only n = 1 is served", "n");
  const messages: EngineMessage[] = [];
  if (body.instructions != null && body.instructions !== "")
    messages.push({ role: "system", content: body.instructions });
  if (typeof body.input === "string") messages.push({ role: "user", content: body.input });
  else {
    for (const [index, item] of body.input.entries()) appendItem(messages, item, index);
  }
  const tools: EngineTool[] = [];
  for (const tool of body.tools ?? []) {
    if (tool.type !== "function" || typeof tool.name !== "string") continue;
    tools.push({
      name: tool.name,
      ...(typeof tool.description === "string" ? { description: tool.description } : {}),
      ...(isRecord(tool.parameters) ? { parameters: tool.parameters } : {}),
    });
  }
  const choice = body.tool_choice;
  return {
    kind: "chat",
    messages,
    tools,
    toolChoice: choice == null ? "auto" : typeof choice === "string" ? choice : { name: choice.name },
    ...(body.parallel_tool_calls == null ? {} : { parallelToolCalls: body.parallel_tool_calls }),
    responseFormat: toFormat(body.text?.format),
    promptField: "input",
    // The same reading of the output-limit fields cortex reserved budget with (max_tokens counts too).
    sampling: toEngineSampling(body, requestedOutputLimit("/v1/responses", body), responsesTopLogprobs(body)),
  };
}

function appendItem(messages: EngineMessage[], item: ResponsesInputItem, index: number): void {
  if (item.type === "reasoning") return;
  if (item.type === "function_call") {
    const call = { id: item.call_id, name: item.name, arguments: item.arguments };
    const last = messages.at(-1);
    if (last?.role === "assistant") last.toolCalls = [...(last.toolCalls ?? []), call];
    else messages.push({ role: "assistant", content: "", toolCalls: [call] });
    return;
  }
  if (item.type === "function_call_output") {
    messages.push({ role: "tool", content: partsText(item.output, index), toolCallId: item.call_id });
    return;
  }
  const role = item.role === "developer" ? "system" : item.role;
  messages.push({ role, content: partsText(item.content, index) });
}

/** Text parts join with a blank line, so parts stay apart in the prompt; images are refused on this text-only engine. */
function partsText(
  content: string | Array<{ type: string; text?: string | undefined }>,
  index: number,
): string {
  if (typeof content === "string") return content;
  return content
    .map((part, partIndex) => {
      if (
        (part.type === "input_text" || part.type === "output_text" || part.type === "text") &&
        part.text !== undefined
      ) {
        return part.text;
      }
      if (part.type === "input_image") {
        throw imagePartUnsupported(`input[${index}].content[${partIndex}]`);
      }
      throw invalidRequest(
        `unsupported content part type '${part.type}'`,
        `input[${index}].content[${partIndex}].type`,
      );
    })
    .join("\n\n");
}

function toFormat(format: NonNullable<ResponsesRequest["text"]>["format"]): EngineResponseFormat {
  if (format === undefined || format.type === "text") return { type: "text" };
  if (format.type === "json_object" || format.schema === undefined) return { type: "json_object" };
  return { type: "json_schema", schema: format.schema };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
