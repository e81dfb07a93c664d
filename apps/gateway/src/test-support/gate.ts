/** A promise to release by hand: hold a fake neuron's reply until the test says so. */
export function createGate(): { promise: Promise<void>; open(): void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** Polls `predicate` until true (no timing assertions: the test timeout bounds it). */
export async function waitFor(predicate: () => boolean, intervalMs = 5): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setTimeout(resolve, intervalMs));
}
