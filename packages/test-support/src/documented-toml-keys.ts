/**
 * The key paths a TOML file shows, its commented-out examples included (`# auth_token = "..."` documents
 * `auth_token`): `[table]` and `[[array]]` headers set the prefix, inline tables (`cost = { input = 0 }`)
 * add their keys. Keys are lower-case (an upper-case `NAME=` in prose is a variable); quoted keys (aliases)
 * are skipped: they are data, not settings.
 */
export function documentedTomlKeys(text: string): Set<string> {
  const keys = new Set<string>();
  let table = "";
  for (const raw of text.split("\n")) {
    const line = raw.replace(/^\s*#\s?/, "").trim();
    const header = /^\[\[?\s*([a-z0-9_.]+)\s*\]\]?(?:\s*(?:#.*)?)$/.exec(line);
    if (header?.[1] !== undefined) {
      table = header[1];
      const parts = table.split(".");
      for (let index = 1; index <= parts.length; index++) keys.add(parts.slice(0, index).join("."));
      continue;
    }
    const assignment = /^([a-z0-9_]+)\s*=\s*(.*)$/.exec(line);
    if (assignment?.[1] === undefined) continue;
    const key = table === "" ? assignment[1] : `${table}.${assignment[1]}`;
    keys.add(key);
    const inline = /^\{([^}]*)\}/.exec(assignment[2] ?? "");
    for (const match of inline?.[1]?.matchAll(/([a-z0-9_]+)\s*=/g) ?? []) keys.add(`${key}.${match[1]}`);
  }
  return keys;
}
