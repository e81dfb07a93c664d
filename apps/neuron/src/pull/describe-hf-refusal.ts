/**
 * What to do about a 401 or 403 from Hugging Face, or undefined for any other status. Hugging Face answers
 * 401 to a gated or private repo asked without a token, and 403 to a token without access (a gated repo
 * whose terms its owner has not accepted). Never includes the token.
 */
export function describeHfRefusal(status: number, hasToken: boolean): string | undefined {
  if (status !== 401 && status !== 403) return undefined;
  if (!hasToken)
    return "the repository may be gated or private: set HF_TOKEN to a Hugging Face access token (and accept the model's terms on its page if it is gated)";
  return status === 401
    ? "HF_TOKEN was not accepted: check that it is a valid Hugging Face access token"
    : "HF_TOKEN has no access to this repository: it may be gated; accept the model's terms on its Hugging Face page with the token's account";
}
