/** A plain-text table: a header row, then rows; columns of numbers (and `-` for none) are right-aligned. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const isNumber = (cell: string) => /^-?\$?[\d,.]+$/.test(cell);
  const numeric = header.map(
    (_, column) =>
      rows.some((row) => isNumber(row[column] ?? "")) &&
      rows.every((row) => isNumber(row[column] ?? "") || row[column] === "-"),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => {
        const width = widths[column] ?? cell.length;
        return numeric[column] ? cell.padStart(width) : cell.padEnd(width);
      })
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

/** An integer with thousands separators (`1,234,567`), so token counts read at a glance. */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

/** USD with 4 decimals (`$0.0012`): per-request costs of small models are fractions of a cent. */
export function formatUsd(value: number): string {
  return `$${value.toFixed(4)}`;
}
