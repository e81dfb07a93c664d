import { invalidRequest } from "@helexa/core";
import type { NeuronAppDeps } from "../app-deps.js";
import type { EngineRequest } from "../ipc/engine-request.js";
import type { GenerationUsage } from "../ipc/generation-event.js";
import type { AdmittedGeneration } from "../supervisor/admit-run.js";
import { sumUsageOf } from "../wire/sum-usage.js";

interface ChoiceOptions {
  stream: boolean;
  /** Hears the request's usage once: the choices' usages summed. */
  onUsage: ((usage: GenerationUsage | null) => void) | undefined;
  /**
   * A completions batch: the requests are `choicesPerPrompt` choices of each prompt in turn (each prompt's
   * tokens count once), and too many is a 400 naming `prompt`. Default: all are choices of one prompt.
   */
  choicesPerPrompt?: number;
}

/**
 * Admits one independent generation per choice (OpenAI `n`: `n` copies of the request), each on its own
 * sequence so they run at once (and a completions batch: each prompt's choices): more choices than the
 * model's `sequences` is a 400 naming `n` (or `prompt` for a batch) and the limit. If any admission is refused, the others are aborted and the refusal is the answer.
 */
export async function admitChoices(
  deps: NeuronAppDeps,
  model: string,
  requests: readonly EngineRequest[],
  signal: AbortSignal,
  options: ChoiceOptions,
): Promise<AdmittedGeneration[]> {
  const n = requests.length;
  const [first] = requests;
  if (n === 1 && first !== undefined) return [await deps.registry.admit(model, first, signal, options)];
  const entry = deps.registry.get(model);
  const sequences = entry?.info?.sequences ?? entry?.plan.spec.sequences;
  const batch = options.choicesPerPrompt !== undefined && options.choicesPerPrompt < n;
  if (sequences !== undefined && n > sequences)
    throw invalidRequest(
      batch
        ? `a batch of prompts times n must be at most ${sequences} choices for model '${model}' (one sequence per choice; it has ${sequences})`
        : `n must be at most ${sequences} for model '${model}' (one sequence per choice; it has ${sequences})`,
      batch ? "prompt" : "n",
    );
  const controller = new AbortController();
  const abort = () => controller.abort();
  signal.addEventListener("abort", abort, { once: true });
  if (signal.aborted) abort();
  const onUsage = sumUsageOf(n, options.onUsage, options.choicesPerPrompt);
  const settled = await Promise.allSettled(
    requests.map((request, index) =>
      deps.registry.admit(model, request, controller.signal, {
        stream: options.stream,
        onUsage: onUsage[index],
      }),
    ),
  );
  const refused = settled.find((result) => result.status === "rejected");
  if (refused === undefined)
    return settled.map((result) => (result as PromiseFulfilledResult<AdmittedGeneration>).value);
  controller.abort();
  settled.forEach((result, index) => {
    if (result.status === "fulfilled") void drain(result.value);
    else onUsage[index]?.(null);
  });
  throw refused.reason;
}

/** Reads an aborted choice's events to their end, so its admission place is given back. */
async function drain(generation: AdmittedGeneration): Promise<void> {
  try {
    for await (const _event of generation.events);
  } catch {
    // It was aborted; its end is all that matters.
  }
}
