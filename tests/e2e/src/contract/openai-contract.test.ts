import { describe, expect, it } from "vitest";
import { openAiContract } from "./openai-contract.js";
import { QUIRK_COMPONENTS } from "./spec-quirks.js";

// The validator itself, on hand-made replies: what it must refuse (each a bug helexa once shipped) and
// what it must let through (helexa's extra fields, the quirks). No fleet.
const contract = openAiContract();
const conforms = (component: string, value: unknown) => contract.violations(component, value);

const chatCompletion = {
  id: "chatcmpl-1",
  object: "chat.completion",
  created: 1_700_000_000,
  model: "tiny",
  choices: [
    {
      index: 0,
      message: { role: "assistant", content: "hi", refusal: null },
      logprobs: null,
      finish_reason: "stop",
    },
  ],
  usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
};

const outputText = { type: "output_text", text: "hi", annotations: [], logprobs: [] };
const response = {
  id: "resp_1",
  object: "response",
  created_at: 1_700_000_000,
  status: "completed",
  error: null,
  incomplete_details: null,
  instructions: null,
  max_output_tokens: null,
  model: "tiny",
  output: [{ type: "message", id: "msg_1", status: "completed", role: "assistant", content: [outputText] }],
  parallel_tool_calls: true,
  temperature: null,
  top_p: null,
  tool_choice: "auto",
  tools: [],
  metadata: {},
  usage: {
    input_tokens: 3,
    input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
    output_tokens: 1,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 4,
  },
};

describe("the OpenAI contract", () => {
  it("accepts conforming replies, with helexa's extra fields", () => {
    expect(conforms("CreateChatCompletionResponse", chatCompletion)).toEqual([]);
    expect(conforms("Response", response)).toEqual([]);
    const model = { id: "tiny", object: "model", created: 1, owned_by: "helexa", locations: [{ node: "n" }] };
    expect(conforms("ListModelsResponse", { object: "list", data: [model] })).toEqual([]);
    const error = { message: "too long", type: "invalid_request_error", code: "context_length_exceeded" };
    expect(
      conforms("ErrorResponse", { error: { ...error, param: "prompt", estimated_prompt_tokens: 9 } }),
    ).toEqual([]);
  });

  it("refuses a missing or mistyped field", () => {
    expect(
      conforms("CreateChatCompletionResponse", { ...chatCompletion, system_fingerprint: null }),
    ).not.toEqual([]);
    const { logprobs: _, ...withoutLogprobs } = outputText;
    const message = { ...response.output[0], content: [withoutLogprobs] };
    expect(conforms("Response", { ...response, output: [message] })).not.toEqual([]);
    const usage = { ...response.usage, input_tokens_details: { cached_tokens: 0 } };
    expect(conforms("Response", { ...response, usage })).not.toEqual([]);
    expect(conforms("ErrorResponse", { error: { message: "x", type: "api_error", code: null } })).not.toEqual(
      [],
    );
    expect(conforms("Model", { id: "tiny", object: "model", owned_by: "helexa" })).not.toEqual([]);
  });

  it("picks a Responses stream event's schema by its type", () => {
    const done = contract.streamEventComponent("response.function_call_arguments.done");
    expect(done).toBe("ResponseFunctionCallArgumentsDoneEvent");
    const event = { type: "response.function_call_arguments.done", item_id: "fc_1", output_index: 0 };
    expect(conforms(done as string, { ...event, arguments: "{}", sequence_number: 3 })).not.toEqual([]);
    expect(conforms(done as string, { ...event, name: "f", arguments: "{}", sequence_number: 3 })).toEqual(
      [],
    );
    expect(contract.streamEventComponent("response.made_up")).toBeUndefined();
  });

  it("follows the API where it and the spec's examples disagree with the schema (spec-quirks.ts)", () => {
    const created = contract.streamEventComponent("response.created") as string;
    const inProgress = { ...response, status: "in_progress", output: [], usage: null };
    expect(conforms(created, { type: "response.created", response: inProgress, sequence_number: 0 })).toEqual(
      [],
    );
    const completed = contract.streamEventComponent("response.completed") as string;
    const terminal = {
      type: "response.completed",
      response: { ...response, usage: null },
      sequence_number: 9,
    };
    expect(conforms(completed, terminal)).not.toEqual([]);

    const chunk = {
      id: "cmpl-1",
      object: "text_completion",
      created: 1,
      model: "tiny",
      choices: [{ text: "hi", index: 0, logprobs: null, finish_reason: null }],
    };
    expect(conforms(QUIRK_COMPONENTS.completionChunk, chunk)).toEqual([]);
    expect(conforms(QUIRK_COMPONENTS.completionChunk, { ...chunk, usage: null })).not.toEqual([]);
    expect(conforms("CreateCompletionResponse", chunk)).not.toEqual([]);
  });
});
