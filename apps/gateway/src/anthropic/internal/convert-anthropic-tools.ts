import { invalidRequest } from "@helexa/core";
import type { AnthropicTool, AnthropicToolChoice } from "../anthropic-request-schema.js";
import type { OpenAiTool, OpenAiToolChoice } from "../openai-chat-request.js";

export interface ConvertedTools {
  tools?: OpenAiTool[];
  tool_choice?: OpenAiToolChoice;
  parallel_tool_calls?: boolean;
}

/**
 * Anthropic `tools` / `tool_choice` → OpenAI: each tool becomes a `function` tool whose `parameters` are
 * its `input_schema`; `any` → `"required"`, `tool` → a named function, `disable_parallel_tool_use` →
 * `parallel_tool_calls: false`. A choice that needs tools when none are given, or names a tool that is
 * not defined, is refused rather than left for the model to ignore.
 */
export function convertAnthropicTools(
  tools: AnthropicTool[] | undefined,
  choice: AnthropicToolChoice | undefined,
): ConvertedTools {
  const converted: ConvertedTools = {};
  if (tools !== undefined && tools.length > 0) {
    converted.tools = tools.map((tool) => ({
      type: "function",
      function: {
        name: tool.name,
        ...(tool.description === undefined ? {} : { description: tool.description }),
        parameters: tool.input_schema ?? { type: "object", properties: {} },
      },
    }));
  }
  if (choice === undefined) return converted;
  const names = new Set(tools?.map((tool) => tool.name));
  if (choice.type === "none") {
    if (converted.tools !== undefined) converted.tool_choice = "none";
    return converted;
  }
  if (choice.type !== "auto" && names.size === 0) {
    throw invalidRequest(
      `tool_choice: type '${choice.type}' requires at least one tool in 'tools'`,
      "tool_choice",
      "invalid_anthropic_body",
    );
  }
  if (choice.type === "tool" && !names.has(choice.name)) {
    throw invalidRequest(
      `tool_choice.name: no tool named '${choice.name}' is defined in 'tools'`,
      "tool_choice.name",
      "invalid_anthropic_body",
    );
  }
  if (converted.tools === undefined) return converted;
  converted.tool_choice =
    choice.type === "auto"
      ? "auto"
      : choice.type === "any"
        ? "required"
        : { type: "function", function: { name: choice.name } };
  if (choice.disable_parallel_tool_use === true) converted.parallel_tool_calls = false;
  return converted;
}
