import type { Context } from "hono";
import { Hono } from "hono";
import type { z } from "zod";
import type { NeuronAppDeps } from "../../app-deps.js";
import { nodeOutgoing } from "../../http/node-outgoing.js";
import { readJsonBody } from "../../http/read-json-body.js";
import { type SseSink, sseResponse } from "../../http/sse-response.js";
import type { GenerationUsage } from "../../ipc/generation-event.js";
import { trackRequestUsage } from "../request-usage.js";

/** How a generation request is admitted: streamed or not, and who hears its final usage. */
export interface GenerationAdmission {
  signal: AbortSignal;
  stream: boolean;
  onUsage: ((usage: GenerationUsage | null) => void) | undefined;
}

/** How an admitted generation is answered, as a stream or as one JSON body. */
export interface GenerationAnswer {
  /** More response headers, on the stream's opening and on the JSON reply alike. */
  headers?: Record<string, string>;
  /** Writes the stream's events (the route opens and ends it). */
  stream(sink: SseSink, signal: AbortSignal): Promise<void>;
  /** The whole reply once the generation ends. */
  whole(): Promise<unknown>;
}

/** A validated request, ready to admit: how to admit it, and how to answer once admitted. */
export interface PreparedGeneration<Admitted> {
  /** Admits the generation(s); a refusal throws the `HelexaError` the client gets. */
  admit(admission: GenerationAdmission): Promise<Admitted>;
  answer(admitted: Admitted): GenerationAnswer;
}

/** One route's part: its path and body schema, and what to make of a validated body. */
export interface GenerationRouteOptions<
  Schema extends z.ZodType<{ stream?: boolean | null | undefined }>,
  Admitted,
> {
  path: string;
  schema: Schema;
  /** Logged with the error when a stream fails after it opened (`chat stream failed`). */
  streamFailure: string;
  /** Turns the body into engine requests; throws a 400 for what the neuron cannot serve. */
  prepare(body: z.output<Schema>, c: Context): PreparedGeneration<Admitted>;
}

/**
 * A `POST` generation route (chat completions, completions, Responses, infill): reads and validates the
 * body within `max_body_bytes`, admits it with its usage tracked for `GET /v1/requests/{id}/usage`, then
 * answers as server-sent events (`stream: true`) or as one JSON body. Errors before the stream opens
 * are plain envelopes (thrown to the app's `onError`).
 */
export function createGenerationRoute<
  Schema extends z.ZodType<{ stream?: boolean | null | undefined }>,
  Admitted,
>(deps: NeuronAppDeps, options: GenerationRouteOptions<Schema, Admitted>): Hono {
  return new Hono().post(options.path, async (c) => {
    const body = await readJsonBody(c, options.schema, deps.config.max_body_bytes);
    // Prepared before its usage is tracked: a body refused here was never a generation.
    const generation = options.prepare(body, c);
    const signal = c.req.raw.signal;
    const stream = body.stream === true;
    const usage = trackRequestUsage(c, deps);
    const admitted = await usage.admit(() => generation.admit({ signal, stream, onUsage: usage.onUsage }));
    const answer = generation.answer(admitted);
    if (stream) {
      return sseResponse((sink, streamSignal) => answer.stream(sink, streamSignal), {
        keepAliveMs: deps.keepAliveMs ?? 15_000,
        signal,
        outgoing: nodeOutgoing(c),
        headers: answer.headers,
        onError: (error) => deps.logger.error({ err: error }, options.streamFailure),
      });
    }
    return c.json(await answer.whole(), 200, answer.headers);
  });
}
