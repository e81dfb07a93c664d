import { imagePartUnsupported, invalidRequest, requestedOutputLimit } from "@helexa/core";
import type {
  EngineChatRequest,
  EngineMessage,
  EngineResponseFormat,
  EngineToolChoice,
} from "../ipc/engine-request.js";
import type { ChatCompletionRequest, ChatMessage } from "./chat-completion-request.js";
import { toEngineSampling } from "./to-engine-sampling.js";
import { chatTopLogprobs } from "./top-logprobs-of.js";

/** A validated chat completion request in engine terms; refuses what cannot be served (images). `n` is the route's. */
export function toEngineChatRequest(body: ChatCompletionRequest): EngineChatRequest {
  const tools = (body.tools ?? []).map((tool) => ({
    name: tool.function.name,
    ...(tool.function.description === undefined ? {} : { description: tool.function.description }),
    ...(tool.function.parameters === undefined ? {} : { parameters: tool.function.parameters }),
  }));
  return {
    kind: "chat",
    messages: body.messages.map(toEngineMessage),
    tools,
    toolChoice: toToolChoice(body.tool_choice),
    ...(body.parallel_tool_calls == null ? {} : { parallelToolCalls: body.parallel_tool_calls }),
    responseFormat: toResponseFormat(body.response_format),
    // The same reading of the output-limit fields cortex reserved budget with.
    sampling: toEngineSampling(
      body,
      requestedOutputLimit("/v1/chat/completions", body),
      chatTopLogprobs(body),
    ),
  };
}

export function toEngineMessage(message: ChatMessage, index: number): EngineMessage {
  const role = message.role === "developer" ? "system" : message.role;
  const content = contentText(message.content, index);
  const toolCalls = message.tool_calls?.map((call) => ({
    id: call.id,
    name: call.function.name,
    arguments: call.function.arguments,
  }));
  if (role === "tool" && message.tool_call_id === undefined) {
    throw invalidRequest(
      `messages[${index}]: a 'tool' message needs tool_call_id`,
      `messages[${index}].tool_call_id`,
    );
  }
  return {
    role,
    content,
    ...(toolCalls === undefined || toolCalls.length === 0 ? {} : { toolCalls }),
    ...(message.tool_call_id === undefined ? {} : { toolCallId: message.tool_call_id }),
  };
}

/** Text of a message; text parts join with a newline. Images and audio are refused (text-only engine). */
function contentText(content: ChatMessage["content"], index: number): string {
  if (content === undefined || content === null) return "";
  if (typeof content === "string") return content;
  const texts: string[] = [];
  content.forEach((part, partIndex) => {
    if (part.type === "text" && typeof part.text === "string") texts.push(part.text);
    else if (part.type === "image_url" || part.type === "input_image") {
      throw imagePartUnsupported(`messages[${index}].content[${partIndex}]`);
    } else {
      throw invalidRequest(
        `unsupported content part type '${part.type}'`,
        `messages[${index}].content[${partIndex}].type`,
      );
    }
  });
  return texts.join("\n");
}

function toToolChoice(choice: ChatCompletionRequest["tool_choice"]): EngineToolChoice {
  if (choice === undefined || choice === null) return "auto";
  if (typeof choice === "string") return choice;
  return { name: choice.function.name };
}

export function toResponseFormat(format: ChatCompletionRequest["response_format"]): EngineResponseFormat {
  if (format === undefined || format === null || format.type === "text") return { type: "text" };
  if (format.type === "json_object") return { type: "json_object" };
  const schema = format.json_schema.schema;
  return schema === undefined ? { type: "json_object" } : { type: "json_schema", schema };
}
