/** What `neuron pull` was asked for: a Hugging Face quant, a Hugging Face file, or a plain URL. */
export type ModelUri =
  | { kind: "hf-quant"; repo: string; quant: string }
  | { kind: "hf-file"; repo: string; file: string }
  | { kind: "url"; url: URL };

const REPO_PART = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Parses `hf:org/repo:quant`, `hf:org/repo/path/file.gguf` or `https://…` (also `http://`, for mirrors on
 * a private network). Returns a message naming the accepted forms for anything else.
 */
export function parseModelUri(text: string): { ok: true; uri: ModelUri } | { ok: false; error: string } {
  const forms = "expected hf:org/repo:QUANT, hf:org/repo/file.gguf or https://host/path/file.gguf";
  if (text.startsWith("hf:")) {
    const rest = text.slice(3);
    const [org, second, ...path] = rest.split("/");
    if (org === undefined || second === undefined || !REPO_PART.test(org))
      return { ok: false, error: `'${text}': ${forms}` };
    if (path.length === 0) {
      const [name, quant, ...extra] = second.split(":");
      if (
        name === undefined ||
        !REPO_PART.test(name) ||
        quant === undefined ||
        quant === "" ||
        extra.length > 0
      )
        return { ok: false, error: `'${text}': ${forms}` };
      return { ok: true, uri: { kind: "hf-quant", repo: `${org}/${name}`, quant } };
    }
    const file = path.join("/");
    if (!REPO_PART.test(second) || !file.toLowerCase().endsWith(".gguf") || file.split("/").includes(".."))
      return { ok: false, error: `'${text}': ${forms}` };
    return { ok: true, uri: { kind: "hf-file", repo: `${org}/${second}`, file } };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, error: `'${text}': ${forms}` };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    return { ok: false, error: `'${text}': ${forms}` };
  return { ok: true, uri: { kind: "url", url } };
}
