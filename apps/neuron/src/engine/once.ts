/** `action` the first time the returned function is called; nothing after. */
export function once(action: () => void): () => void {
  let done = false;
  return () => {
    if (!done) action();
    done = true;
  };
}
