/**
 * Drops the `user:password@` of every URL in a piece of text (an error message, a log field), keeping
 * the rest: `fetch failed for http://u:secret@host/models` becomes `... http://host/models`. The
 * userinfo runs to the last `@` before the path, as URL parsers read it, so a password holding `@`
 * goes whole.
 */
export function redactUrlCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#]*@/gi, "$1");
}
