import { createSseSplitter } from "./read-sse-events.js";
import { cacheModelId } from "./start-cache-fleet.js";

/** The shape of the `cache` group's agent-like workload. */
export interface ConversationWorkload {
  conversations: number;
  turns: number;
  /** Characters of each conversation's own opening history (about one token per character on the tiny model). */
  historyChars: number;
  /** Characters each turn's user message adds. */
  turnChars: number;
  maxTokens: number;
}

/** One streamed turn as the client saw it. */
export interface TurnResult {
  turn: number;
  ttftMs: number;
  promptTokens: number;
  cachedTokens: number;
  completionTokens: number;
}

export interface WorkloadResult {
  turns: TurnResult[];
  wallMs: number;
}

const words = [
  "harbor",
  "lantern",
  "granite",
  "meadow",
  "copper",
  "willow",
  "ember",
  "tundra",
  "quartz",
  "falcon",
  "cinder",
  "orchid",
  "saddle",
  "marble",
  "thistle",
  "breeze",
];

/** Deterministic text of `chars` characters, different for every `seed` from its first word. */
export function fillerText(seed: string, chars: number): string {
  let state = 2166136261;
  for (const char of seed) state = Math.imul(state ^ char.charCodeAt(0), 16777619) >>> 0;
  let text = `${seed}: `;
  while (text.length < chars) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    text += `${words[state % words.length]} `;
  }
  return text.slice(0, chars);
}

interface ChatChunk {
  choices?: Array<{ delta?: { content?: string } }>;
  usage?: {
    prompt_tokens?: number;
    completion_tokens?: number;
    prompt_tokens_details?: { cached_tokens?: number };
  };
}

/** One streamed chat completion: time to the first content, the reply text and its usage. */
async function streamTurn(
  baseUrl: string,
  body: Record<string, unknown>,
): Promise<{ ttftMs: number; text: string; usage: NonNullable<ChatChunk["usage"]> }> {
  const started = performance.now();
  const response = await fetch(`${baseUrl}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...body, stream: true, stream_options: { include_usage: true } }),
  });
  if (!response.ok || response.body === null)
    throw new Error(`chat turn failed: ${response.status} ${await response.text()}`);
  let ttftMs = Number.NaN;
  let text = "";
  let usage: ChatChunk["usage"];
  const split = createSseSplitter((data, arrivedAt) => {
    if (data === "[DONE]") return;
    const chunk = JSON.parse(data) as ChatChunk;
    const content = chunk.choices?.[0]?.delta?.content;
    if (typeof content === "string" && content !== "") {
      if (Number.isNaN(ttftMs)) ttftMs = arrivedAt - started;
      text += content;
    }
    if (chunk.usage !== undefined) usage = chunk.usage;
  });
  const decoder = new TextDecoder();
  for await (const part of response.body) split(decoder.decode(part, { stream: true }), performance.now());
  if (usage === undefined) throw new Error("chat turn ended without usage");
  return { ttftMs: Number.isNaN(ttftMs) ? performance.now() - started : ttftMs, text, usage };
}

/**
 * `conversations` agent-like conversations at once, each `turns` turns in order: every turn resends the
 * whole history (its own opening history, then each earlier user message and reply) plus a new user
 * message, as agents do. `tag` makes this run's texts its own, so no state of an earlier run matches.
 */
export async function runConversations(
  baseUrl: string,
  workload: ConversationWorkload,
  tag: string,
): Promise<WorkloadResult> {
  const started = performance.now();
  const results: TurnResult[] = [];
  await Promise.all(
    Array.from({ length: workload.conversations }, async (_, conversation) => {
      const id = `${tag}-conversation-${conversation}`;
      const messages: Array<{ role: string; content: string }> = [
        { role: "system", content: fillerText(`${id} history`, workload.historyChars) },
      ];
      for (let turn = 1; turn <= workload.turns; turn++) {
        messages.push({ role: "user", content: fillerText(`${id} turn ${turn}`, workload.turnChars) });
        const reply = await streamTurn(baseUrl, {
          model: cacheModelId,
          temperature: 0,
          max_tokens: workload.maxTokens,
          user: id,
          messages,
        });
        messages.push({ role: "assistant", content: reply.text });
        results.push({
          turn,
          ttftMs: reply.ttftMs,
          promptTokens: reply.usage.prompt_tokens ?? 0,
          cachedTokens: reply.usage.prompt_tokens_details?.cached_tokens ?? 0,
          completionTokens: reply.usage.completion_tokens ?? 0,
        });
      }
    }),
  );
  return { turns: results, wallMs: performance.now() - started };
}

/** `requests` unrelated one-turn chats (no shared prefix, no session), `concurrency` at a time. */
export async function runUnrelated(
  baseUrl: string,
  requests: number,
  concurrency: number,
  promptChars: number,
  maxTokens: number,
  tag: string,
): Promise<WorkloadResult> {
  const started = performance.now();
  const results: TurnResult[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        const index = next++;
        const reply = await streamTurn(baseUrl, {
          model: cacheModelId,
          temperature: 0,
          max_tokens: maxTokens,
          messages: [{ role: "user", content: fillerText(`${tag} unrelated ${index}`, promptChars) }],
        });
        results.push({
          turn: 1,
          ttftMs: reply.ttftMs,
          promptTokens: reply.usage.prompt_tokens ?? 0,
          cachedTokens: reply.usage.prompt_tokens_details?.cached_tokens ?? 0,
          completionTokens: reply.usage.completion_tokens ?? 0,
        });
      }
    }),
  );
  return { turns: results, wallMs: performance.now() - started };
}
