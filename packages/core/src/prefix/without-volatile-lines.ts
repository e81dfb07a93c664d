/**
 * Drops lines that change on every request without changing meaning. Claude Code's first system block,
 * `x-anthropic-billing-header: cc_version=…; cch=<per-request hex>;`, is the known one; cortex also drops
 * that block when it translates an Anthropic request, so the neuron's KV state matches too.
 */
export function withoutVolatileLines(text: string): string {
  if (!text.includes("x-anthropic-billing-header:")) return text;
  return text
    .split("\n")
    .filter((line) => !line.startsWith("x-anthropic-billing-header:"))
    .join("\n");
}
