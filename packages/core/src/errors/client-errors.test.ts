import { describe, expect, it } from "vitest";
import {
  clientClosedRequest,
  conflict,
  imagePartUnsupported,
  methodNotAllowed,
  responseNotFound,
} from "./client-errors.js";
import { renderAnthropicError, renderOpenAiError } from "./render-error.js";

// The constructors that cortex and the neuron once built inline: their wire shape, pinned here.
describe("client errors", () => {
  it.each([
    [
      "405 method_not_allowed",
      methodNotAllowed("PUT", "/v1/models"),
      405,
      {
        message: "PUT is not allowed on /v1/models",
        type: "invalid_request_error",
        code: "method_not_allowed",
        param: null,
      },
    ],
    [
      "404 response_not_found",
      responseNotFound("resp_1"),
      404,
      {
        message: "Response with id 'resp_1' not found.",
        type: "invalid_request_error",
        code: "response_not_found",
        param: "response_id",
      },
    ],
    [
      "409 conflict",
      conflict("model_busy", "busy", "model_id"),
      409,
      { message: "busy", type: "invalid_request_error", code: "model_busy", param: "model_id" },
    ],
    [
      "400 vision_unsupported on one part",
      imagePartUnsupported("messages[0].content[1]"),
      400,
      {
        message: "this model does not support image input",
        type: "invalid_request_error",
        code: "vision_unsupported",
        param: "messages[0].content[1]",
      },
    ],
    [
      "499 client_closed_request",
      clientClosedRequest(),
      499,
      {
        message: "client closed the request",
        type: "invalid_request_error",
        code: "client_closed_request",
        param: null,
      },
    ],
  ])("%s", (_, error, status, body) => {
    const rendered = renderOpenAiError(error);
    expect(rendered.status).toBe(status);
    expect(rendered.body).toEqual({ error: body });
    expect(renderAnthropicError(error).body.error.message).toBe(body.message);
  });

  it("a response id that is not stored tells SDKs not to retry", () => {
    expect(renderOpenAiError(responseNotFound("x")).headers).toEqual({ "x-should-retry": "false" });
  });
});
