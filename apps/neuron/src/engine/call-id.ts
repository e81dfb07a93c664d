let counter = 0;

/** `call_<time hex><counter hex>_<index>`: unique within the worker's lifetime. */
export function callId(index: number): string {
  counter = (counter + 1) % 0xffffff;
  return `call_${Date.now().toString(16)}${counter.toString(16).padStart(6, "0")}_${index}`;
}
