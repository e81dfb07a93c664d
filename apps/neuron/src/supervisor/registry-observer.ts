import type { FinishReason, GenerationUsage } from "../ipc/generation-event.js";

/** What the registry reports as it works (metrics hang off this); every hook is optional. */
export interface RegistryObserver {
  modelLoaded?(model: string, seconds: number): void;
  modelUnloaded?(model: string): void;
  workerCrashed?(model: string): void;
  /** A worker that had work went silent for the stall timeout; it is killed and reloaded (not counted as a crash). */
  workerStalled?(model: string): void;
  /** A request refused before generation: admission full / timed out, or a prompt over the context. */
  refused?(model: string, reason: "admission" | "context_length"): void;
  /** After admission: how long the request waited in the queue. */
  admitted?(model: string, waitSeconds: number): void;
  /** First token (content, reasoning or tool call) of a generation. */
  firstToken?(model: string, seconds: number): void;
  generationFinished?(
    model: string,
    outcome: FinishReason | "error",
    usage: GenerationUsage | undefined,
    seconds: number,
  ): void;
}
