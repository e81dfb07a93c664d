import type { SseSink } from "../http/sse-response.js";
import type { GenerationEvent } from "../ipc/generation-event.js";
import {
  functionCallItem,
  messageItem,
  type ResponsesMeta,
  responseShell,
  statusOf,
} from "./responses-response.js";

/**
 * Responses streaming, named events in the original neuron's order (§7.10): created, in_progress,
 * output_item.added, content_part.added, output_text.delta…, output_text.done, content_part.done,
 * output_item.done, then the terminal event. Tool calls follow as function_call items. The terminal event
 * is OpenAI's: `response.completed`, or `response.incomplete` when `max_output_tokens` ran out (the
 * original always sent `completed`); a failure ends with `error` and `response.failed`. No `[DONE]`.
 */
export async function streamResponses(
  sink: SseSink,
  events: AsyncIterable<GenerationEvent>,
  meta: ResponsesMeta,
  signal: AbortSignal,
): Promise<void> {
  let sequence = 0;
  const emit = (type: string, payload: Record<string, unknown>) =>
    sink.event(type, { type, sequence_number: sequence++, ...payload });
  const output: unknown[] = [];
  let text = "";
  let messageOpen = false;
  const ids = { item_id: meta.messageId, output_index: 0, content_index: 0 };
  const openMessage = () => {
    messageOpen = true;
    emit("response.output_item.added", {
      output_index: 0,
      item: { ...messageItem(meta.messageId, "", "in_progress"), content: [] },
    });
    emit("response.content_part.added", { ...ids, part: { type: "output_text", text: "", annotations: [] } });
  };
  const closeMessage = (status: "completed" | "incomplete") => {
    const part = { type: "output_text", text, annotations: [] };
    emit("response.output_text.done", { ...ids, text });
    emit("response.content_part.done", { ...ids, part });
    const item = messageItem(meta.messageId, text, status);
    emit("response.output_item.done", { output_index: 0, item });
    output.push(item);
  };
  emit("response.created", { response: responseShell(meta, "in_progress", []) });
  emit("response.in_progress", { response: responseShell(meta, "in_progress", []) });
  openMessage();
  const calls: Array<Extract<GenerationEvent, { type: "tool_call" }>> = [];
  for await (const event of events) {
    if (signal.aborted) return;
    if (event.type === "delta") {
      if (event.content === undefined || event.content === "") continue;
      text += event.content;
      emit("response.output_text.delta", { ...ids, delta: event.content });
    } else if (event.type === "tool_call") calls.push(event);
    else if (event.type === "done") {
      if (event.finishReason === "abort") return;
      const status = statusOf(event.finishReason);
      if (messageOpen) closeMessage(status === "incomplete" ? "incomplete" : "completed");
      calls.forEach((call, index) => {
        const item = functionCallItem(call);
        const outputIndex = index + 1;
        emit("response.output_item.added", {
          output_index: outputIndex,
          item: { ...item, arguments: "", status: "in_progress" },
        });
        emit("response.function_call_arguments.delta", {
          item_id: item.id,
          output_index: outputIndex,
          delta: item.arguments,
        });
        emit("response.function_call_arguments.done", {
          item_id: item.id,
          output_index: outputIndex,
          arguments: item.arguments,
        });
        emit("response.output_item.done", { output_index: outputIndex, item });
        output.push(item);
      });
      const terminal = status === "incomplete" ? "response.incomplete" : "response.completed";
      emit(terminal, { response: responseShell(meta, status, output, event.usage) });
      return;
    } else {
      fail(event.message);
      return;
    }
  }
  if (!signal.aborted) fail("generation ended without a result");

  function fail(message: string) {
    emit("error", { code: "generation_failed", message, param: null });
    emit("response.failed", {
      response: responseShell(meta, "failed", output, undefined, { code: "server_error", message }),
    });
  }
}
