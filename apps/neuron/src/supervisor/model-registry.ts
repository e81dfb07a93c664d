import { conflict, type LoadSpec, modelNotFound, serviceUnavailable } from "@helexa/core";
import type { Logger } from "pino";
import type { ResolvedNeuronConfig } from "../config/resolved-neuron-config.js";
import { notServing, recoveringError, retrySoonSecs, stalledError } from "../internal/not-serving.js";
import type { EngineRequest } from "../ipc/engine-request.js";
import type { WorkerCountResult } from "../ipc/worker-protocol.js";
import { type AdmitOptions, admitRequest } from "./admit-request.js";
import type { AdmittedGeneration } from "./admit-run.js";
import type { BackendFactory } from "./model-backend.js";
import { ModelEntry } from "./model-entry.js";
import type { RegistryObserver } from "./registry-observer.js";
import { resolveLoadSpec } from "./resolve-load-spec.js";

export interface ModelRegistryOptions {
  config: ResolvedNeuronConfig;
  factory: BackendFactory;
  logger: Logger;
  observer?: RegistryObserver;
}

/**
 * The supervisor's models: single-flight loads, unloads, recovery of a dead worker, and the path of a
 * request through counting, the context check and admission.
 */
export class ModelRegistry {
  readonly #entries = new Map<string, ModelEntry>();
  #draining = false;

  constructor(private readonly options: ModelRegistryOptions) {}

  get draining(): boolean {
    return this.#draining;
  }

  entries(): ModelEntry[] {
    return [...this.#entries.values()];
  }

  get(id: string): ModelEntry | undefined {
    return this.#entries.get(id);
  }

  /** Loads a model, or waits for the load of it already in progress; resolves once it serves. */
  async load(request: LoadSpec): Promise<void> {
    if (this.#draining) throw serviceUnavailable("neuron is shutting down", retrySoonSecs);
    const existing = this.#entries.get(request.model_id);
    if (existing !== undefined) {
      if (existing.loading !== undefined) await existing.loading;
      if (this.#entries.get(request.model_id) !== existing || existing.status !== "loaded")
        throw notServing(existing);
      return;
    }
    const entry = new ModelEntry(request.model_id, resolveLoadSpec(request, this.options.config));
    this.#entries.set(entry.id, entry);
    entry.loading = this.#start(entry)
      .catch((error: unknown) => {
        if (this.#entries.get(entry.id) === entry) this.#entries.delete(entry.id);
        throw error;
      })
      .finally(() => {
        entry.loading = undefined;
      });
    await entry.loading;
  }

  /** Unloads a model; refuses while requests run or wait unless `force`, which ends them with an error. */
  async unload(id: string, force: boolean): Promise<void> {
    const entry = this.#entries.get(id);
    if (entry === undefined) throw modelNotFound(id, `model '${id}' not loaded`);
    if (entry.status === "loading")
      throw conflict(
        "model_loading",
        `model '${id}' is still loading; unload it once it has loaded`,
        "model_id",
      );
    const { inFlight, queueDepth } = entry.admission;
    if (inFlight + queueDepth > 0 && !force) {
      throw conflict(
        "model_busy",
        `model '${id}' has ${inFlight} running and ${queueDepth} queued requests; unload with "force": true to end them`,
        "model_id",
      );
    }
    entry.closing = true;
    this.#entries.delete(id);
    entry.admission.close(() => modelNotFound(id, `model '${id}' was unloaded`));
    for (const running of entry.running) running.fail(`model '${id}' was unloaded`);
    await entry.loading?.catch(() => undefined);
    await entry.backend?.dispose();
    this.options.observer?.modelUnloaded?.(id);
  }

  /** Counts a request's prompt in the model's worker (and records chars per token). */
  async count(id: string, request: EngineRequest): Promise<WorkerCountResult & { contextSize: number }> {
    const entry = this.#serving(id);
    const backend = entry.backend;
    if (backend === undefined) throw notServing(entry);
    const counted = await backend.count(request);
    entry.characters += counted.characters;
    entry.textTokens += counted.textTokens;
    return { ...counted, contextSize: backend.info.contextSize };
  }

  /**
   * Counts the prompt, refuses it with 400 when it cannot fit, then waits for an admission place (see
   * `admitRequest`). The returned generation holds the place until its events end.
   */
  admit(
    id: string,
    request: EngineRequest,
    signal: AbortSignal,
    options: AdmitOptions,
  ): Promise<AdmittedGeneration> {
    const context = {
      serving: (model: string) => this.#serving(model),
      count: (model: string, counted: EngineRequest) => this.count(model, counted),
      observer: this.options.observer,
    };
    return admitRequest(context, id, request, signal, options);
  }

  /** SIGTERM: refuse new work, let running requests finish within `timeoutMs`, then end every worker. */
  async drain(timeoutMs: number): Promise<void> {
    this.#draining = true;
    const entries = this.entries();
    for (const entry of entries)
      entry.admission.close(() => serviceUnavailable("neuron is shutting down", retrySoonSecs));
    const deadline = Date.now() + timeoutMs;
    while (entries.some((entry) => entry.admission.inFlight > 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    for (const entry of entries) {
      entry.closing = true;
      for (const running of entry.running) running.fail("neuron shut down before the request finished");
    }
    await Promise.all(entries.map((entry) => entry.loading?.catch(() => undefined)));
    await Promise.all(entries.map((entry) => entry.backend?.dispose()));
    this.#entries.clear();
  }

  #serving(id: string): ModelEntry {
    const entry = this.#entries.get(id);
    if (entry === undefined) throw modelNotFound(id, `model '${id}' not loaded on this neuron`);
    if (this.#draining) throw serviceUnavailable("neuron is shutting down", retrySoonSecs);
    if (entry.status !== "loaded") throw notServing(entry);
    return entry;
  }

  async #start(entry: ModelEntry): Promise<void> {
    const started = Date.now();
    const backend = await this.options.factory(entry.plan.spec, (progress) => {
      entry.progress = progress;
    });
    entry.progress = undefined;
    if (entry.closing) {
      await backend.dispose();
      throw serviceUnavailable(`model '${entry.id}' was unloaded while loading`, retrySoonSecs);
    }
    entry.backend = backend;
    entry.info = backend.info;
    entry.status = "loaded";
    backend.onExit((reason) => this.#recover(entry, reason));
    backend.onStall?.((reason) => this.#stalled(entry, reason));
    this.options.logger.info({ model: entry.id, ms: Date.now() - started, ...backend.info }, "model loaded");
    this.options.observer?.modelLoaded?.(entry.id, (Date.now() - started) / 1000);
  }

  /** The worker stalled (it has ended its requests and is being killed; `#recover` follows its exit). */
  #stalled(entry: ModelEntry, reason: string): void {
    if (entry.closing || this.#entries.get(entry.id) !== entry) return;
    this.options.logger.warn({ model: entry.id, reason }, "model worker stalled; replacing it");
    this.options.observer?.workerStalled?.(entry.id);
    entry.status = "stalled";
    entry.admission.refuseWaiting(() => stalledError(entry.id));
  }

  #recover(entry: ModelEntry, reason: string): void {
    if (entry.closing || this.#entries.get(entry.id) !== entry) return;
    this.options.logger.warn({ model: entry.id, reason }, "model worker died; reloading");
    if (entry.status !== "stalled") this.options.observer?.workerCrashed?.(entry.id);
    entry.status = "recovering";
    entry.backend = undefined;
    entry.admission.refuseWaiting(() => recoveringError(entry.id));
    entry.loading = this.#start(entry)
      .catch((error: unknown) => {
        this.options.logger.error({ model: entry.id, err: error }, "model recovery failed; model unloaded");
        if (this.#entries.get(entry.id) === entry) this.#entries.delete(entry.id);
      })
      .finally(() => {
        entry.loading = undefined;
      });
  }
}
