const ABSOLUTE_PATH = /(^|[\s'"`(=:,])((?:file:\/\/)?(?:\/[^\s'"`()/,]+)+\/?|[A-Za-z]:\\[^\s'"`(),]+)/g;

/**
 * `text` with each absolute file path cut to its last segment (`/srv/models/q4.gguf` → `q4.gguf`), for a
 * neuron's reason that reaches a client: the file name helps, where it lives on the host is nobody's
 * business. URLs other than `file://` are left alone (their path follows a host, not a space or quote).
 */
export function redactPaths(text: string): string {
  return text.replace(ABSOLUTE_PATH, (_match, before: string, path: string) => {
    const segments = path.split(/[\\/]/).filter((segment) => segment !== "");
    return `${before}${segments.at(-1) ?? ""}`;
  });
}
