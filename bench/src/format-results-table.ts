import type { Figure, SuiteResults, Target } from "./bench-types.js";

/** A number at a precision that suits its size: 1234, 123.4, 12.34, 1.234, 0.1234. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const size = Math.abs(value);
  if (size >= 1000) return value.toFixed(0);
  if (size >= 100) return value.toFixed(1);
  if (size >= 10) return value.toFixed(2);
  if (size >= 1) return value.toFixed(3);
  return value.toFixed(4);
}

function formatTarget(target: Target | null): string {
  if (target === null) return "";
  const symbol = { "<=": "≤", ">=": "≥", ">": ">" }[target.comparison];
  return `${symbol} ${formatNumber(target.value)}`;
}

function row(figure: Figure): string {
  const verdict = figure.verdict === "info" ? "" : figure.verdict === "pass" ? "pass" : "**MISS**";
  const cells = [
    figure.name,
    figure.unit,
    formatNumber(figure.min),
    formatNumber(figure.median),
    formatNumber(figure.max),
    formatTarget(figure.target),
    verdict,
  ];
  return `| ${cells.join(" | ")} |`;
}

/** The results as Markdown: one table per group, notes under it. Printed by `pnpm bench` and pasted into BENCHMARKS.md. */
export function formatResultsTable(results: SuiteResults): string {
  const lines: string[] = [];
  const machine = results.machine;
  lines.push(
    `Run \`${results.name}\` (${results.quick ? "quick" : "full"}, ${results.rounds} rounds; min / median / max over rounds) ` +
      `at ${results.started_at} on ${machine.cpu_model}, ${machine.cores} cores, ` +
      `${(machine.memory_bytes / 2 ** 30).toFixed(0)} GiB, Node ${machine.node_version}, ` +
      `commit ${machine.git_sha.slice(0, 10)}${machine.git_dirty ? " (dirty)" : ""}.`,
  );
  for (const group of results.groups) {
    lines.push("", `### ${group.name}: ${group.description}`, "");
    if (group.figures.length > 0) {
      lines.push("| Figure | Unit | Min | Median | Max | Target | Verdict |");
      lines.push("|---|---|---:|---:|---:|---|---|");
      for (const figure of group.figures) lines.push(row(figure));
    }
    if (group.skipped) lines.push("", "Skipped.");
    for (const note of group.notes) lines.push("", `- ${note}`);
  }
  return lines.join("\n");
}
