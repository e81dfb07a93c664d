/**
 * `--since` for `cortex usage`: a duration back from now (`90m`, `24h`, `7d`, `30s`) or an ISO 8601 date.
 * Returns milliseconds since the epoch, or an error message.
 */
export function parseSince(
  value: string,
  nowMs: number,
): { ok: true; ms: number } | { ok: false; error: string } {
  const duration = /^(\d+)\s*([smhd])$/.exec(value.trim());
  if (duration !== null) {
    const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[duration[2] as "s" | "m" | "h" | "d"];
    return { ok: true, ms: nowMs - Number(duration[1]) * unit };
  }
  const date = Date.parse(value);
  if (/^\d{4}-\d{2}-\d{2}/.test(value) && Number.isFinite(date)) return { ok: true, ms: date };
  return { ok: false, error: `--since: expected a duration like 24h or 7d, or an ISO date; got '${value}'` };
}
