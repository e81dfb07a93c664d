import type { SseSink } from "../http/sse-response.js";
import type { GenerationEvent, GenerationUsage } from "../ipc/generation-event.js";
import { toLogprobItems } from "./openai-logprobs.js";
import {
  functionCallItem,
  messageItem,
  outputTextPart,
  type ResponseStatus,
  type ResponsesMeta,
  reasoningItem,
  responseShell,
  statusOf,
} from "./responses-response.js";

type ItemStatus = Exclude<ResponseStatus, "in_progress" | "failed">;

/** One text-bearing output item being streamed: a reasoning item or the assistant message. */
interface OpenItem {
  kind: "reasoning" | "message";
  outputIndex: number;
  text: string;
  /** The message's tokens' logprobs so far (Responses `LogProb` items). */
  logprobs: unknown[];
}

/**
 * Responses streaming, named events in OpenAI's order: created, in_progress, then per
 * output item: output_item.added, content_part.added, its text deltas, the text's done, content_part.done,
 * output_item.done; then the terminal event. A reasoning model's thinking comes first as a `reasoning` item
 * (`response.reasoning_text.delta`), then the message (`response.output_text.delta`); each item opens when
 * its first text arrives. Tool calls follow as function_call items; a message with no text is sent only
 * when there are no tool calls (as the whole response does). The terminal event is OpenAI's:
 * `response.completed`, or `response.incomplete` when `max_output_tokens` ran out (so a client can tell a
 * cut-off reply from a finished one); a failure ends with `error` and `response.failed`. No `[DONE]`.
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
  let open: OpenItem | null = null;
  let messageSent = false;

  /**
   * Per kind of text item: its id, its content part, the item itself, and what its text delta and done
   * events carry besides the text (`output_text` ones: the `logprobs` OpenAI's schema requires).
   */
  const kinds = {
    message: {
      id: meta.messageId,
      partType: "output_text",
      part: (text: string, logprobs?: unknown[]) => outputTextPart(text, logprobs),
      item: (text: string, status: ResponseStatus, logprobs?: unknown[]) =>
        messageItem(meta.messageId, text, status, logprobs),
      textExtras: (logprobs: unknown[]) => ({ logprobs }),
    },
    reasoning: {
      id: meta.reasoningId,
      partType: "reasoning_text",
      part: (text: string, _logprobs?: unknown[]) => ({ type: "reasoning_text", text }),
      item: (text: string, status: ResponseStatus, _logprobs?: unknown[]) =>
        reasoningItem(meta.reasoningId, text, status),
      textExtras: (_logprobs: unknown[]) => ({}),
    },
  } as const;
  const at = (item: OpenItem) => ({
    item_id: kinds[item.kind].id,
    output_index: item.outputIndex,
    content_index: 0,
  });

  const close = (status: ItemStatus) => {
    if (open === null) return;
    const item = open;
    open = null;
    const kind = kinds[item.kind];
    emit(`response.${kind.partType}.done`, {
      ...at(item),
      text: item.text,
      ...kind.textExtras(item.logprobs),
    });
    emit("response.content_part.done", { ...at(item), part: kind.part(item.text, item.logprobs) });
    const done = kind.item(item.text, status, item.logprobs);
    emit("response.output_item.done", { output_index: item.outputIndex, item: done });
    output.push(done);
  };
  const openItem = (kind: OpenItem["kind"]): OpenItem => {
    if (open?.kind === kind) return open;
    close("completed");
    const item: OpenItem = { kind, outputIndex: output.length, text: "", logprobs: [] };
    open = item;
    if (kind === "message") messageSent = true;
    emit("response.output_item.added", {
      output_index: item.outputIndex,
      item: { ...kinds[kind].item("", "in_progress"), content: [] },
    });
    emit("response.content_part.added", { ...at(item), part: kinds[kind].part("") });
    return item;
  };
  const append = (kind: OpenItem["kind"], delta: string, logprobs: unknown[] = []) => {
    const item = openItem(kind);
    item.text += delta;
    item.logprobs.push(...logprobs);
    emit(`response.${kinds[kind].partType}.delta`, {
      ...at(item),
      delta,
      ...kinds[kind].textExtras(logprobs),
    });
  };

  emit("response.created", { response: responseShell(meta, "in_progress", []) });
  emit("response.in_progress", { response: responseShell(meta, "in_progress", []) });
  const calls: Array<Extract<GenerationEvent, { type: "tool_call" }>> = [];
  for await (const event of events) {
    if (signal.aborted) return;
    if (event.type === "delta") {
      if (event.reasoning !== undefined && event.reasoning !== "") append("reasoning", event.reasoning);
      const logprobs = toLogprobItems(event.logprobs ?? []);
      if (event.content !== undefined && event.content !== "") append("message", event.content, logprobs);
      // Logprobs of tokens whose text came earlier (held-back bytes) join the open message's.
      else {
        const current = open as OpenItem | null;
        if (current?.kind === "message") current.logprobs.push(...logprobs);
      }
    } else if (event.type === "tool_call") calls.push(event);
    else if (event.type === "done") {
      if (event.finishReason === "abort") return;
      const status = statusOf(event.finishReason);
      const itemStatus: ItemStatus = status === "incomplete" ? "incomplete" : "completed";
      if (!messageSent && calls.length === 0) openItem("message");
      close(itemStatus);
      for (const call of calls) {
        const item = functionCallItem(call);
        const outputIndex = output.length;
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
          name: item.name,
          arguments: item.arguments,
        });
        emit("response.output_item.done", { output_index: outputIndex, item });
        output.push(item);
      }
      const terminal = status === "incomplete" ? "response.incomplete" : "response.completed";
      emit(terminal, { response: responseShell(meta, status, output, event.usage) });
      return;
    } else {
      fail(event.message, event.usage);
      return;
    }
  }
  if (!signal.aborted) fail("generation ended without a result");

  // `usage`: what the generation made before it broke off (what the request is charged).
  function fail(message: string, usage?: GenerationUsage) {
    emit("error", { code: "generation_failed", message, param: null });
    emit("response.failed", {
      response: responseShell(meta, "failed", output, usage, { code: "server_error", message }),
    });
  }
}
