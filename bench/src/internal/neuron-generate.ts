import { benchSystemPrompt, benchUserPrompt, type EngineGeneration } from "./engine-protocol.js";
import type { KeepAliveClient } from "./keep-alive-client.js";
import { neuronModelId } from "./start-neuron.js";

interface CompletionBody {
  choices?: { message?: { content?: unknown } }[];
  usage?: { completion_tokens?: unknown };
}

/** One greedy, non-streamed chat completion through the neuron, with the engine baseline's prompt. */
export async function neuronGenerate(
  client: KeepAliveClient,
  baseUrl: string,
  maxTokens: number,
): Promise<EngineGeneration> {
  const body = JSON.stringify({
    model: neuronModelId,
    messages: [
      { role: "system", content: benchSystemPrompt },
      { role: "user", content: benchUserPrompt },
    ],
    max_tokens: maxTokens,
    temperature: 0,
  });
  const started = performance.now();
  const answer = await client.post(new URL(`${baseUrl}/v1/chat/completions`), {}, body);
  const elapsedMs = performance.now() - started;
  if (answer.status !== 200)
    throw new Error(`neuron answered ${answer.status}: ${answer.body.slice(0, 300)}`);
  const parsed = JSON.parse(answer.body) as CompletionBody;
  const completionTokens = parsed.usage?.completion_tokens;
  const text = parsed.choices?.[0]?.message?.content;
  if (typeof completionTokens !== "number" || typeof text !== "string")
    throw new Error(`neuron answer lacks usage.completion_tokens or content: ${answer.body.slice(0, 300)}`);
  return { completionTokens, text, elapsedMs };
}
