import { invalidRequest } from "@helexa/core/errors";
import type { Llama, LlamaGrammar } from "node-llama-cpp";
import { withBoundedNumbers } from "./bound-json-numbers.js";

const maxEntries = 32;

/**
 * JSON-schema grammars by schema text (building one compiles GBNF), least recently used evicted. Number
 * rules are bounded (`boundJsonNumbers`): integers come out safe, numbers finite.
 */
export class GrammarCache {
  readonly #entries = new Map<string, Promise<LlamaGrammar>>();

  constructor(readonly llama: Llama) {}

  /** The grammar for `schema`; an unsupported schema is a 400 naming `param`. */
  async forSchema(schema: Record<string, unknown>, param: string): Promise<LlamaGrammar> {
    return this.#get(`schema:${JSON.stringify(schema)}`, param, async () => {
      const typed = schema as Parameters<Llama["createGrammarForJsonSchema"]>[0];
      return withBoundedNumbers(this.llama, await this.llama.createGrammarForJsonSchema(typed));
    });
  }

  /** Any JSON value (`response_format: json_object`). */
  json(): Promise<LlamaGrammar> {
    return this.#get("json", "response_format", async () =>
      withBoundedNumbers(this.llama, await this.llama.getGrammarFor("json")),
    );
  }

  async #get(key: string, param: string, build: () => Promise<LlamaGrammar>): Promise<LlamaGrammar> {
    const cached = this.#entries.get(key);
    if (cached !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, cached);
      return cached;
    }
    const created = Promise.resolve()
      .then(build)
      .catch((error: unknown) => {
        this.#entries.delete(key);
        const detail = error instanceof Error ? error.message : String(error);
        throw invalidRequest(`unsupported JSON schema: ${detail}`, param);
      });
    this.#entries.set(key, created);
    if (this.#entries.size > maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    return created;
  }
}
