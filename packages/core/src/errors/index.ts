/**
 * `@helexa/core/errors`: the error class and its constructors without the zod schemas the main entry
 * builds at import. The neuron's model worker imports this, not `@helexa/core`: it holds one model in its
 * own process per model, and the schemas cost it ~4.7 MB of heap it never uses (BENCHMARKS.md, neuron).
 */
export * from "./client-errors.js";
export { HelexaError, type HelexaErrorOptions, type OpenAiErrorType } from "./helexa-error.js";
export * from "./server-errors.js";
