import { invalidRequest } from "@helexa/core";

/**
 * 400 `previous_response_not_found`, param `previous_response_id`, as OpenAI answers an id it does not
 * have (or that another key created).
 */
export function previousResponseNotFound(id: string) {
  return invalidRequest(
    `Previous response with id '${id}' not found.`,
    "previous_response_id",
    "previous_response_not_found",
  );
}
