import { invalidRequest } from "@helexa/core/errors";
import type { ChatHistoryItem, ChatModelFunctionCall, ChatModelResponse } from "node-llama-cpp";
import type { EngineMessage } from "../ipc/engine-request.js";

/**
 * Turns OpenAI-style turns into node-llama-cpp chat history. Tool results attach to the call they answer
 * (node-llama-cpp keeps a call and its result together inside the model turn); a trailing assistant turn
 * is continued by the model (prefill).
 */
export function convertChatHistory(messages: readonly EngineMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  const callsById = new Map<string, ChatModelFunctionCall>();
  messages.forEach((message, index) => {
    if (message.role === "system") history.push({ type: "system", text: message.content });
    else if (message.role === "user") history.push({ type: "user", text: message.content });
    else if (message.role === "assistant") history.push(modelTurn(message, callsById));
    else attachToolResult(message, index, callsById);
  });
  return history;
}

function modelTurn(message: EngineMessage, callsById: Map<string, ChatModelFunctionCall>): ChatModelResponse {
  const response: ChatModelResponse["response"] = [];
  if (message.content !== "") response.push(message.content);
  for (const [index, call] of (message.toolCalls ?? []).entries()) {
    const item: ChatModelFunctionCall = {
      type: "functionCall",
      name: call.name,
      params: parseArguments(call.arguments),
      result: "",
      startsNewChunk: index === 0,
    };
    callsById.set(call.id, item);
    response.push(item);
  }
  return { type: "model", response };
}

function attachToolResult(
  message: EngineMessage,
  index: number,
  callsById: Map<string, ChatModelFunctionCall>,
) {
  const call = message.toolCallId === undefined ? undefined : callsById.get(message.toolCallId);
  if (call === undefined) {
    throw invalidRequest(
      `messages[${index}]: a 'tool' message must answer a tool call of an earlier assistant message (unknown tool_call_id '${message.toolCallId ?? ""}')`,
      `messages[${index}].tool_call_id`,
    );
  }
  call.result = message.content;
}

/** OpenAI sends arguments as JSON text; node-llama-cpp wants the value. Unparseable text stays a string. */
function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
