import type { WorkerModelInfo } from "../ipc/worker-protocol.js";
import { AdmissionQueue } from "./admission-queue.js";
import type { LoadProgressUpdate, ModelBackend } from "./model-backend.js";
import type { ModelPlan } from "./resolve-load-spec.js";

/** `stalled`: its worker stopped making progress and is being killed; `recovering` follows. */
export type EntryStatus = "loading" | "loaded" | "stalled" | "recovering";

/** A running request the registry can end from outside (force unload). */
export interface RunningGeneration {
  fail(message: string): void;
}

/** One model the neuron holds (or is loading): its worker, admission queue and measurements. */
export class ModelEntry {
  status: EntryStatus = "loading";
  backend: ModelBackend | undefined;
  /** Kept through a recovery so `/models` can still show what the model was. */
  info: WorkerModelInfo | undefined;
  /** The load (or reload) in progress; concurrent loads await this one. */
  loading: Promise<void> | undefined;
  progress: LoadProgressUpdate | undefined;
  readonly admission: AdmissionQueue;
  readonly running = new Set<RunningGeneration>();
  /** Sums over every prompt counted: UTF-8 bytes of message text, and the tokens of that text alone. */
  characters = 0;
  textTokens = 0;
  /** Set once the entry is being unloaded; nothing new may start. */
  closing = false;

  constructor(
    readonly id: string,
    readonly plan: ModelPlan,
  ) {
    this.admission = new AdmissionQueue(plan.admission);
  }

  /** Measured characters per prompt token, once anything was counted. */
  get charsPerToken(): number | undefined {
    if (this.textTokens === 0 || this.characters === 0) return undefined;
    return this.characters / this.textTokens;
  }
}
