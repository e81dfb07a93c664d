/** A PostgreSQL URL without its password (`postgres://user@host:5432/db`), for logs and errors. */
export function redactLedgerUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = "";
    parsed.search = "";
    return parsed.toString();
  } catch {
    return "postgres://(unparsable url)";
  }
}
