/**
 * Whether a reply is the one 5xx a valid body may get: llama.cpp's sampler failing under a schema's
 * grammar (a body with `json_schema` or `"tools"`) ends that request on the neuron with a 500
 * `generation_failed` (apps/neuron/README.md, "Process model"); the worker and everything else go on.
 */
export function isGrammarFailure(status: number, body: string, text: string): boolean {
  return status === 500 && /json_schema|"tools"/.test(body) && text.includes('"generation_failed"');
}
