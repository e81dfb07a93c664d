import { HelexaError } from "@helexa/core";

/** 404 for `GET`/`DELETE /v1/responses/{id}` on an id this key has not stored (OpenAI's wording). */
export function responseNotFound(id: string) {
  return new HelexaError({
    statusCode: 404,
    type: "invalid_request_error",
    code: "response_not_found",
    message: `Response with id '${id}' not found.`,
    param: "response_id",
    permanent: true,
  });
}
