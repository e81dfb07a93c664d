/**
 * Most turns a request may carry (chat `messages`, Responses `input` items, Anthropic `messages`);
 * cortex and the neuron apply the same bound.
 */
export const maxMessages = 4096;
