import { invalidRequest, withoutVolatileLines } from "@helexa/core";
import type { AnthropicContentBlock, AnthropicMessage } from "../anthropic-request-schema.js";
import type { OpenAiChatMessage, OpenAiContentPart, OpenAiToolCall } from "../openai-chat-request.js";

type ImageBlock = Extract<AnthropicContentBlock, { type: "image" }>;
type ToolResultBlock = Extract<AnthropicContentBlock, { type: "tool_result" }>;

/**
 * Converts Anthropic `system` + `messages` into OpenAI chat messages: one leading system message (the
 * top-level system prompt without Claude Code's per-request billing line, then any inline `system` turns),
 * then each turn in order. A user turn's
 * `tool_result` blocks become `role:"tool"` messages exactly where they stood; an assistant turn's
 * `tool_use` blocks become `tool_calls` with JSON-string arguments; thinking from earlier turns is dropped.
 */
export function convertAnthropicMessages(
  system: string | { text: string }[] | undefined,
  messages: AnthropicMessage[],
): OpenAiChatMessage[] {
  const systemParts: string[] = [];
  // Claude Code's `x-anthropic-billing-header: …; cch=<per request>;` block is billing metadata, not
  // instructions; kept, it would make every turn's prompt differ near its start (no prefix reuse).
  const topLevel = withoutVolatileLines(
    typeof system === "string" ? system : (system?.map((block) => block.text).join("\n") ?? ""),
  );
  if (topLevel) systemParts.push(topLevel);
  const converted: OpenAiChatMessage[] = [];
  // Every tool_use id of the assistant turns so far: a tool_result must answer one of them.
  const toolUseIds = new Set<string>();
  messages.forEach((message, index) => {
    if (message.role === "system") {
      const text = systemText(message.content, index);
      if (text) systemParts.push(text);
    } else if (message.role === "user") {
      converted.push(...convertUser(message.content, index, toolUseIds));
    } else {
      converted.push(...convertAssistant(message.content, index));
      if (typeof message.content !== "string")
        for (const block of message.content) if (block.type === "tool_use") toolUseIds.add(block.id);
    }
  });
  return systemParts.length === 0
    ? converted
    : [{ role: "system", content: systemParts.join("\n\n") }, ...converted];
}

function systemText(content: AnthropicMessage["content"], index: number): string {
  if (typeof content === "string") return content;
  return content
    .map((block, position) => {
      if (block.type !== "text")
        throw misplaced(index, position, "system messages may contain only text blocks");
      return block.text;
    })
    .join("\n");
}

function convertUser(
  content: AnthropicMessage["content"],
  index: number,
  toolUseIds: ReadonlySet<string>,
): OpenAiChatMessage[] {
  if (typeof content === "string") return [{ role: "user", content }];
  const out: OpenAiChatMessage[] = [];
  let parts: OpenAiContentPart[] = [];
  const flush = () => {
    if (parts.length === 0) return;
    const textOnly = parts.every((part) => part.type === "text");
    const joined = parts.map((part) => (part.type === "text" ? part.text : "")).join("\n");
    out.push({ role: "user", content: textOnly ? joined : parts });
    parts = [];
  };
  content.forEach((block, position) => {
    switch (block.type) {
      case "text":
        parts.push({ type: "text", text: block.text });
        break;
      case "image":
        parts.push(imagePart(block));
        break;
      case "tool_result": {
        flush();
        const text = toolResultText(block, index, position);
        if (!toolUseIds.has(block.tool_use_id)) throw unanswered(index, position, block.tool_use_id);
        out.push({ role: "tool", tool_call_id: block.tool_use_id, content: text });
        break;
      }
      case "tool_use":
        throw misplaced(index, position, "tool_use blocks belong in assistant messages");
      default:
        break; // thinking blocks carry nothing a local model can use
    }
  });
  flush();
  return out;
}

function convertAssistant(content: AnthropicMessage["content"], index: number): OpenAiChatMessage[] {
  if (typeof content === "string") return [{ role: "assistant", content }];
  const texts: string[] = [];
  const toolCalls: OpenAiToolCall[] = [];
  content.forEach((block, position) => {
    switch (block.type) {
      case "text":
        texts.push(block.text);
        break;
      case "tool_use":
        toolCalls.push({
          id: block.id,
          type: "function",
          function: { name: block.name, arguments: JSON.stringify(block.input) },
        });
        break;
      case "image":
        throw misplaced(index, position, "image blocks are accepted only in user messages");
      case "tool_result":
        throw misplaced(index, position, "tool_result blocks belong in user messages");
      default:
        break;
    }
  });
  if (toolCalls.length > 0) {
    return [
      { role: "assistant", content: texts.length > 0 ? texts.join("\n") : null, tool_calls: toolCalls },
    ];
  }
  return texts.length > 0 ? [{ role: "assistant", content: texts.join("\n") }] : [];
}

function imagePart(block: ImageBlock): OpenAiContentPart {
  const url =
    block.source.type === "base64"
      ? `data:${block.source.media_type};base64,${block.source.data}`
      : block.source.url;
  return { type: "image_url", image_url: { url } };
}

function toolResultText(block: ToolResultBlock, index: number, position: number): string {
  if (block.content === undefined) return "";
  if (typeof block.content === "string") return block.content;
  return block.content
    .map((part, partIndex) => {
      if (part.type !== "text") {
        throw invalidRequest(
          `messages.${index}.content.${position}.content.${partIndex}.type: images inside tool_result are not supported`,
          `messages.${index}.content.${position}.content.${partIndex}.type`,
          "invalid_anthropic_body",
        );
      }
      return part.text;
    })
    .join("\n");
}

/** A tool_result whose `tool_use_id` no earlier assistant turn's tool_use has, worded as Anthropic's API does. */
function unanswered(index: number, position: number, id: string) {
  const param = `messages.${index}.content.${position}.tool_use_id`;
  return invalidRequest(
    `${param}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${id}. Each \`tool_result\` block ` +
      "must have a corresponding `tool_use` block in an earlier assistant message.",
    param,
    "invalid_anthropic_body",
  );
}

function misplaced(index: number, position: number, why: string) {
  const param = `messages.${index}.content.${position}.type`;
  return invalidRequest(`${param}: ${why}`, param, "invalid_anthropic_body");
}
