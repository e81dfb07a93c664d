import { invalidRequest, templateRenderFailed } from "@helexa/core/errors";
import type { ChatHistoryItem, ChatModelFunctions, ChatWrapper, LlamaModel, Token } from "node-llama-cpp";
import type { EngineChatRequest, EngineTool } from "../ipc/engine-request.js";
import { convertChatHistory } from "./convert-chat-history.js";

/** A chat request rendered for `LlamaChat`: the history to pass, how tools apply, and the exact prompt tokens. */
export interface ChatPrompt {
  history: ChatHistoryItem[];
  /** Tools the model may call on its own (`tool_choice: "auto"`). */
  functions: ChatModelFunctions | undefined;
  /** When a tool call is forced, the JSON schema the whole answer must follow (`{name, arguments}`). */
  forcedToolSchema: Record<string, unknown> | undefined;
  /** The tools a forced call may name (empty unless one is forced). */
  forcedToolNames: string[];
  tokens: Token[];
}

type ChatPromptInput = Pick<EngineChatRequest, "messages" | "tools" | "toolChoice">;

/**
 * Renders the request exactly as `LlamaChat.generateResponse` will on a fresh evaluation, so the token
 * count checked before admission is the one that is evaluated.
 */
export function buildChatPrompt(
  model: LlamaModel,
  chatWrapper: ChatWrapper,
  request: ChatPromptInput,
): ChatPrompt {
  let history = convertChatHistory(request.messages);
  const tools = request.toolChoice === "none" ? [] : request.tools;
  const choice = request.toolChoice;
  let functions: ChatModelFunctions | undefined;
  let forcedToolSchema: Record<string, unknown> | undefined;
  let forcedToolNames: string[] = [];
  if (tools.length > 0) {
    const all = toFunctions(tools);
    if (choice === "auto") functions = all;
    else {
      const forced = typeof choice === "object" ? tools.filter((tool) => tool.name === choice.name) : tools;
      if (forced.length === 0) {
        const name = typeof choice === "object" ? choice.name : "";
        throw invalidRequest(`tool_choice names '${name}', which is not in tools`, "tool_choice");
      }
      history = [
        ...chatWrapper.addAvailableFunctionsSystemMessageToHistory(history, all, { documentParams: true }),
      ];
      forcedToolSchema = forcedCallSchema(forced);
      forcedToolNames = forced.map((tool) => tool.name);
    }
  } else if (typeof choice === "object" || choice === "required") {
    throw invalidRequest("tool_choice requires a non-empty tools list", "tool_choice");
  }
  const rendered =
    history.at(-1)?.type === "model" ? history : [...history, { type: "model" as const, response: [] }];
  let contextText: ReturnType<ChatWrapper["generateContextState"]>["contextText"];
  try {
    ({ contextText } = chatWrapper.generateContextState({
      chatHistory: rendered,
      availableFunctions: functions,
      documentFunctionParams: true,
    }));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw templateRenderFailed(`chat template could not render this request: ${detail}`);
  }
  return {
    history,
    functions,
    forcedToolSchema,
    forcedToolNames,
    tokens: contextText.tokenize(model.tokenizer),
  };
}

function toFunctions(tools: readonly EngineTool[]): ChatModelFunctions {
  const functions: Record<string, ChatModelFunctions[string]> = {};
  for (const tool of tools) {
    functions[tool.name] = {
      ...(tool.description === undefined ? {} : { description: tool.description }),
      ...(tool.parameters === undefined
        ? {}
        : { params: tool.parameters as ChatModelFunctions[string]["params"] }),
    };
  }
  return functions;
}

/** `{"name": <one of the tools>, "arguments": <its parameters>}`. */
function forcedCallSchema(tools: readonly EngineTool[]): Record<string, unknown> {
  const variants = tools.map((tool) => ({
    type: "object",
    properties: {
      name: { const: tool.name },
      arguments: tool.parameters ?? { type: "object", properties: {} },
    },
  }));
  return variants.length === 1 ? (variants[0] as Record<string, unknown>) : { oneOf: variants };
}
