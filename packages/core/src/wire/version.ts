import { z } from "zod";

/** `GET /version`: build identity of a neuron (or cortex). Every field but `package_version` is optional. */
export const buildInfoSchema = z.looseObject({
  package_version: z.string(),
  git_sha: z.string().default("unknown"),
  git_sha_long: z.string().nullable().optional(),
  git_dirty: z.boolean().default(false),
  build_timestamp: z.string().nullable().optional(),
  profile: z.string().nullable().optional(),
  target: z.string().nullable().optional(),
  features: z.array(z.string()).default([]),
  node_version: z.string().nullable().optional(),
  node_llama_cpp_version: z.string().nullable().optional(),
  llama_cpp_release: z.string().nullable().optional(),
});
export type BuildInfo = z.infer<typeof buildInfoSchema>;
