/**
 * The 1-based line of `text` (TOML) that sets the key at `path` (`["models", 0, "sequences"]`), or of
 * the nearest table or key above it when the key itself is absent. Undefined when nothing on the path
 * appears. A line scanner, not a parser: it knows `[table]`, `[[array.of.tables]]` and `key = value`
 * lines, which is how config files are written; keys inside inline tables resolve to their parent.
 */
export function locateTomlKey(text: string, path: readonly PropertyKey[]): number | undefined {
  const arrayTables = new Map<string, number>();
  let table: PropertyKey[] = [];
  let best: { line: number; depth: number } | undefined;
  const consider = (keyPath: readonly PropertyKey[], line: number) => {
    const depth = sharedPrefix(keyPath, path);
    if (depth === keyPath.length && depth > 0 && (best === undefined || depth > best.depth))
      best = { line, depth };
  };
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    const arrayHeader = /^\[\[\s*([^\]]+?)\s*\]\]/.exec(line);
    const header = arrayHeader === null ? /^\[\s*([^\]]+?)\s*\]/.exec(line) : null;
    if (arrayHeader?.[1] !== undefined) {
      const segments = splitKey(arrayHeader[1]);
      const last = segments.pop() ?? "";
      const resolved = [...resolveHeader(segments, arrayTables), last];
      const id = JSON.stringify(resolved);
      const position = (arrayTables.get(id) ?? -1) + 1;
      arrayTables.set(id, position);
      table = [...resolved, position];
      consider(table, index + 1);
      continue;
    }
    if (header?.[1] !== undefined) {
      table = resolveHeader(splitKey(header[1]), arrayTables);
      consider(table, index + 1);
      continue;
    }
    const assignment =
      /^((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=/.exec(line);
    if (assignment?.[1] !== undefined) consider([...table, ...splitKey(assignment[1])], index + 1);
  }
  return best?.line;
}

/** Inserts the current index after each segment that names an array of tables (`models.admission`). */
function resolveHeader(segments: string[], arrayTables: Map<string, number>): PropertyKey[] {
  const resolved: PropertyKey[] = [];
  for (const segment of segments) {
    resolved.push(segment);
    const position = arrayTables.get(JSON.stringify(resolved));
    if (position !== undefined) resolved.push(position);
  }
  return resolved;
}

function splitKey(key: string): string[] {
  return (key.match(/"[^"]*"|'[^']*'|[^.\s]+/g) ?? []).map((part) => part.replace(/^["']|["']$/g, ""));
}

function sharedPrefix(a: readonly PropertyKey[], b: readonly PropertyKey[]): number {
  let depth = 0;
  while (depth < a.length && depth < b.length && a[depth] === b[depth]) depth++;
  return depth;
}
