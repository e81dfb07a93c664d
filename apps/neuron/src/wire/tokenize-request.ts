import { maxMessages } from "@helexa/core";
import { z } from "zod";
import { chatMessageSchema, functionToolSchema } from "./chat-completion-request.js";

/** `POST /v1/tokenize`: a chat (`messages`, optional `tools`) or a raw `prompt`, counted exactly. */
export const tokenizeRequestSchema = z
  .looseObject({
    model: z.string().min(1),
    messages: z
      .array(chatMessageSchema)
      .min(1, "expected at least one message")
      .max(maxMessages, `expected at most ${maxMessages} messages`)
      .optional(),
    tools: z.array(functionToolSchema).nullable().optional(),
    prompt: z.string().optional(),
  })
  .refine((body) => (body.messages === undefined) !== (body.prompt === undefined), {
    message: "expected exactly one of 'messages' or 'prompt'",
    path: ["messages"],
  });
export type TokenizeRequest = z.infer<typeof tokenizeRequestSchema>;
