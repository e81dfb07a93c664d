/** What {@link abortable} returns when `signal` ended the generation before it produced anything. */
export const aborted = Symbol("aborted");

/**
 * Runs a node-llama-cpp generation that stops on `signal` (`stopOnAbortSignal: true`). An abort that
 * comes after the first text ends it with stop reason `abort`; one that comes before (while the prompt
 * is evaluated, before the first token, or before it even began) makes it throw the signal's reason
 * instead. For the request both are the same, the client left: this returns `aborted` for the second,
 * so the generation ends with `done` (`abort`) and the usage spent so far, never with an error event
 * (an error on a whole reply records no usage, and cortex would then charge the client's whole hold).
 * Anything thrown while `signal` is not aborted is rethrown.
 */
export async function abortable<T>(signal: AbortSignal, run: () => Promise<T>): Promise<T | typeof aborted> {
  try {
    return await run();
  } catch (error) {
    if (signal.aborted) return aborted;
    throw error;
  }
}
