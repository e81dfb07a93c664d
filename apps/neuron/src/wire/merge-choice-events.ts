import type { GenerationEvent } from "../ipc/generation-event.js";

/** A generation event and the choice (index into the streams) it belongs to. */
export interface ChoiceEvent {
  index: number;
  event: GenerationEvent;
}

/**
 * The events of several generations (the choices of one `n > 1` request) as one stream, each in the order
 * it arrives, tagged with its choice's index. Ends when every stream has ended; stopping early closes
 * every stream still open.
 */
export async function* mergeChoiceEvents(
  streams: ReadonlyArray<AsyncIterable<GenerationEvent>>,
): AsyncGenerator<ChoiceEvent> {
  const iterators = streams.map((stream) => stream[Symbol.asyncIterator]());
  const next = (index: number) =>
    (iterators[index] as AsyncIterator<GenerationEvent>).next().then((result) => ({ index, result }));
  const pending = new Map(iterators.map((_, index) => [index, next(index)]));
  try {
    while (pending.size > 0) {
      const { index, result } = await Promise.race(pending.values());
      if (result.done === true) {
        pending.delete(index);
        continue;
      }
      pending.set(index, next(index));
      yield { index, event: result.value };
    }
  } finally {
    await Promise.allSettled([...pending.keys()].map((index) => iterators[index]?.return?.()));
  }
}
