/**
 * One past the last `"sequence_number": N` in `text` (the tail of a Responses stream cortex passed
 * through), or 0 when there is none: the number an event cortex appends to that stream must carry to keep
 * the client's sequence unbroken. A number at the very end of the text may be cut short and is skipped.
 */
export function nextSequenceNumber(text: string): number {
  let last = -1;
  for (const match of text.matchAll(/"sequence_number"\s*:\s*(\d+)(?=\D)/g)) last = Number(match[1]);
  return last + 1;
}
