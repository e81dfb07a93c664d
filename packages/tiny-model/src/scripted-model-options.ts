/**
 * What a scripted model writes. Each string is one token of its reply: a single printable ASCII character
 * is that byte's token, a longer string becomes a token of its own (a user-defined token, which llama.cpp
 * matches wherever its text appears, prompts included). No token may appear twice across `call` and `answer`.
 */
export interface ScriptedModelOptions {
  /**
   * The reply to a prompt that does not hold `marker` yet: a tool call in the chat wrapper's syntax, e.g.
   * `["||call: ", "Bash", "(", '{"command": "echo done"}', ")"]` for node-llama-cpp's
   * ChatML wrapper.
   */
  call: readonly string[];
  /**
   * A text of two or more characters no client prompt contains: once it is anywhere in the prompt, the model
   * writes `answer`. Either a token of `call` (the call itself in the history switches) or, better, a text
   * only the tool's result holds (a command whose output spells it while its own text does not), so the
   * answer proves the result reached the model. It becomes a token of its own.
   */
  marker: string;
  /** The reply once the prompt holds `marker`: the final text after the tool's result. */
  answer: readonly string[];
  /** Training context length written to `llama.context_length`. Default 131072. */
  contextLength?: number;
}
