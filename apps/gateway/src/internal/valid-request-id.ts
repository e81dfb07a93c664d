/** A client's `x-request-id` worth echoing: 1–128 visible ASCII characters; else null. */
export function validRequestId(value: string | null): string | null {
  return value !== null && /^[\x21-\x7e]{1,128}$/.test(value) ? value : null;
}
