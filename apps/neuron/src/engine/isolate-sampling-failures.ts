import type { LlamaContext } from "node-llama-cpp";

type SampleToken = (...args: unknown[]) => Promise<unknown>;

/**
 * Keeps a sampler failure to the one generation it belongs to.
 *
 * node-llama-cpp 3.21.1 samples each sequence's next token inside the decode loop that all sequences of
 * a context share (`_ctx.sampleToken`, called per batch item). When llama.cpp's sampler throws there
 * (seen: a response-format grammar it cannot follow, "Unexpected empty grammar stack after accepting
 * piece"), the rejection escapes the loop, no generation hears of it, and as an unhandled rejection it
 * ends the worker with every request on it. Wrapped, the failure reads as "no token" (-1) for that item
 * only: node-llama-cpp then ends that generation alone with its own error ("Failed to sample next
 * token"), which the worker reports as that request's failure, and the loop goes on for the others.
 * `onFailure` gets the library's detail for the log. A context without the method is left as it is.
 */
export function isolateSamplingFailures(context: LlamaContext, onFailure: (error: unknown) => void): void {
  const native = (context as unknown as { _ctx?: { sampleToken?: SampleToken } })._ctx;
  const sampleToken = native?.sampleToken;
  if (native === undefined || typeof sampleToken !== "function") return;
  const isolated = (...args: unknown[]) => {
    // With probabilities or confidence asked for (arguments 3 and 4), the result is [token, …].
    const noToken = args[2] === true || args[3] === true ? [-1] : -1;
    try {
      return sampleToken.apply(native, args).catch((error: unknown) => {
        onFailure(error);
        return noToken;
      });
    } catch (error) {
      onFailure(error);
      return Promise.resolve(noToken);
    }
  };
  // The addon's methods are read-only on its prototype: shadow it with an own property.
  Object.defineProperty(native, "sampleToken", { value: isolated, configurable: true, writable: true });
}
