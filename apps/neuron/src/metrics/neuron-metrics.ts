import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { RegistryObserver } from "../supervisor/registry-observer.js";

/** Live per-model numbers read at scrape time. */
export interface ModelGaugeReading {
  model: string;
  inFlight: number;
  queueDepth: number;
  loaded: boolean;
}

/** The neuron's Prometheus metrics (`neuron_*`), registered on an injected registry. */
export interface NeuronMetrics extends RegistryObserver {
  httpRequest(route: string, method: string, status: number, seconds: number): void;
  modelLoadFailed(model: string): void;
  /** Where the gauges read from at scrape time. */
  readGauges(source: () => ModelGaugeReading[]): void;
}

const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/** Creates and registers every `neuron_*` metric. Labels are bounded: model ids, route patterns, statuses. */
export function createNeuronMetrics(registry: Registry): NeuronMetrics {
  const registers = [registry];
  let source: () => ModelGaugeReading[] = () => [];
  const http = new Counter({
    name: "neuron_http_requests_total",
    help: "HTTP requests by route pattern and status",
    labelNames: ["route", "method", "status"],
    registers,
  });
  const httpSeconds = new Histogram({
    name: "neuron_http_request_duration_seconds",
    help: "HTTP time to response headers",
    labelNames: ["route", "method"],
    buckets: latencyBuckets,
    registers,
  });
  const generations = new Counter({
    name: "neuron_generations_total",
    help: "Finished generations by outcome",
    labelNames: ["model", "outcome"],
    registers,
  });
  const promptTokens = new Counter({
    name: "neuron_prompt_tokens_total",
    help: "Prompt tokens of finished generations",
    labelNames: ["model"],
    registers,
  });
  const cachedTokens = new Counter({
    name: "neuron_cached_prompt_tokens_total",
    help: "Prompt tokens reused from a sequence's KV state",
    labelNames: ["model"],
    registers,
  });
  const completionTokens = new Counter({
    name: "neuron_completion_tokens_total",
    help: "Generated tokens",
    labelNames: ["model"],
    registers,
  });
  const generationSeconds = new Histogram({
    name: "neuron_generation_duration_seconds",
    help: "Admission to last token",
    labelNames: ["model"],
    buckets: latencyBuckets,
    registers,
  });
  const firstToken = new Histogram({
    name: "neuron_time_to_first_token_seconds",
    help: "Admission to first token",
    labelNames: ["model"],
    buckets: latencyBuckets,
    registers,
  });
  const queueWait = new Histogram({
    name: "neuron_queue_wait_seconds",
    help: "Time spent waiting for admission",
    labelNames: ["model"],
    buckets: latencyBuckets,
    registers,
  });
  const rejections = new Counter({
    name: "neuron_admission_rejections_total",
    help: "Requests refused before generation",
    labelNames: ["model", "reason"],
    registers,
  });
  const loads = new Counter({
    name: "neuron_model_loads_total",
    help: "Model loads by outcome",
    labelNames: ["model", "outcome"],
    registers,
  });
  const loadSeconds = new Histogram({
    name: "neuron_model_load_duration_seconds",
    help: "Time to load a model",
    labelNames: ["model"],
    buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 1800],
    registers,
  });
  const crashes = new Counter({
    name: "neuron_worker_crashes_total",
    help: "Model workers that died on their own",
    labelNames: ["model"],
    registers,
  });
  const stalls = new Counter({
    name: "neuron_worker_stalls_total",
    help: "Model workers killed for making no progress while they had work",
    labelNames: ["model"],
    registers,
  });
  new Gauge({
    name: "neuron_in_flight_requests",
    help: "Requests generating now",
    labelNames: ["model"],
    registers,
    collect() {
      this.reset();
      for (const reading of source()) this.set({ model: reading.model }, reading.inFlight);
    },
  });
  new Gauge({
    name: "neuron_queue_depth",
    help: "Requests waiting for admission now",
    labelNames: ["model"],
    registers,
    collect() {
      this.reset();
      for (const reading of source()) this.set({ model: reading.model }, reading.queueDepth);
    },
  });
  new Gauge({
    name: "neuron_models_loaded",
    help: "Models serving now",
    registers,
    collect() {
      this.set(source().filter((reading) => reading.loaded).length);
    },
  });
  return {
    httpRequest(route, method, status, seconds) {
      http.inc({ route, method, status: String(status) });
      httpSeconds.observe({ route, method }, seconds);
    },
    refused(model, reason) {
      rejections.inc({ model, reason });
    },
    modelLoadFailed(model) {
      loads.inc({ model, outcome: "failed" });
    },
    readGauges(next) {
      source = next;
    },
    modelLoaded(model, seconds) {
      loads.inc({ model, outcome: "loaded" });
      loadSeconds.observe({ model }, seconds);
    },
    workerCrashed(model) {
      crashes.inc({ model });
    },
    workerStalled(model) {
      stalls.inc({ model });
    },
    admitted(model, waitSeconds) {
      queueWait.observe({ model }, waitSeconds);
    },
    firstToken(model, seconds) {
      firstToken.observe({ model }, seconds);
    },
    generationFinished(model, outcome, usage, seconds) {
      generations.inc({ model, outcome });
      generationSeconds.observe({ model }, seconds);
      if (usage === undefined) return;
      promptTokens.inc({ model }, usage.promptTokens);
      cachedTokens.inc({ model }, usage.cachedTokens);
      completionTokens.inc({ model }, usage.completionTokens);
    },
  };
}
