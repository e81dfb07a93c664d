import { HelexaError } from "./helexa-error.js";

/** `Retry-After` for a load refused for lack of VRAM (the original neuron's 5). */
export const INSUFFICIENT_VRAM_RETRY_AFTER_SECS = 5;

/**
 * 503 `insufficient_vram` with `free_mb` / `required_mb` inside `error` and Retry-After 5: the GPU may
 * free up once other work ends (original neuron §9).
 */
export function insufficientVram(freeMb: number, requiredMb: number) {
  return new HelexaError({
    statusCode: 503,
    type: "api_error",
    code: "insufficient_vram",
    message: `insufficient free VRAM: ${freeMb} MiB free, need at least ${requiredMb} MiB`,
    extras: { free_mb: freeMb, required_mb: requiredMb },
    retryAfterSecs: INSUFFICIENT_VRAM_RETRY_AFTER_SECS,
    isOverload: true,
  });
}

/** 400 `vision_unsupported`: an image sent to a text-only model; `suggestion` names one that can see. */
export function visionUnsupported(modelId: string, suggestion?: string) {
  return new HelexaError({
    statusCode: 400,
    type: "invalid_request_error",
    code: "vision_unsupported",
    message: `model '${modelId}' does not support image input`,
    param: "messages",
    extras: suggestion === undefined ? { model_id: modelId } : { model_id: modelId, suggestion },
  });
}

/** 422 `template_render_failed`: the model's chat template rejected these messages. */
export function templateRenderFailed(message: string) {
  return new HelexaError({
    statusCode: 422,
    type: "invalid_request_error",
    code: "template_render_failed",
    message,
    param: "messages",
  });
}

/** 503 `cuda_unavailable`: the host's GPU stack is broken; the reason is the driver's, not a secret. */
export function cudaUnavailable(reason: string) {
  return new HelexaError({
    statusCode: 503,
    type: "api_error",
    code: "cuda_unavailable",
    message: `CUDA is unavailable on this neuron: ${reason}`,
  });
}

/** 400 `chained_conversation_not_supported`: Responses `previous_response_id` is not kept server-side. */
export function chainedConversationNotSupported(
  message = "previous_response_id is not supported: send the full conversation in `input`",
) {
  return new HelexaError({
    statusCode: 400,
    type: "invalid_request_error",
    code: "chained_conversation_not_supported",
    message,
    param: "previous_response_id",
  });
}
