/**
 * Reading settings from the environment, shared by config.ts and each concern's settings module
 * (ops, cluster, groups), so they all refuse a malformed variable with the same readable message.
 */
import { z } from 'zod';

/** A non-negative integer variable with a default. */
export const int = (def: number) => z.coerce.number().int().nonnegative().default(def);

/** The parsed variables; throws `invalid configuration:` with one line per malformed variable. */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return parsed.data;
}
