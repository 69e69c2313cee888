import { existsSync } from 'node:fs';
import { z } from 'zod';

/**
 * A concern is one zod schema over the environment plus a mapping to the typed
 * settings the code reads. libs/config is the only place that reads process.env.
 */
export interface Concern<T> {
  schema: z.ZodType;
  map(raw: any): T;
}

export function concern<S extends z.ZodType, T>(schema: S, map: (raw: z.infer<S>) => T): Concern<T> {
  return { schema, map };
}

export type Settings<C extends Record<string, Concern<unknown>>> = {
  [K in keyof C]: C[K] extends Concern<infer T> ? T : never;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.example for every setting.`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses every concern against `env` and returns the typed settings, or throws one
 * ConfigError naming every bad key of every concern (not only the first).
 */
export function loadConfig<C extends Record<string, Concern<unknown>>>(
  concerns: C,
  env: Record<string, string | undefined> = process.env,
): Settings<C> {
  const problems: string[] = [];
  const settings: Record<string, unknown> = {};
  for (const [name, c] of Object.entries(concerns)) {
    const parsed = c.schema.safeParse(env);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const key = issue.path.join('.') || name;
        problems.push(`${key}: ${issue.message}`);
      }
      continue;
    }
    settings[name] = c.map(parsed.data);
  }
  if (problems.length > 0) throw new ConfigError([...new Set(problems)]);
  return settings as Settings<C>;
}

/** Loads `.env` from the working directory into the environment, if there is one. */
export function loadDotEnv(file = '.env'): void {
  if (existsSync(file)) process.loadEnvFile(file);
}

// Shared field parsers -------------------------------------------------------

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
export const positiveMs = (fallback: number) => z.coerce.number().int().positive().default(fallback);
export const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');
export const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol.replace(/:$/, ''));
      } catch {
        return false;
      }
    },
    { message: `must be a ${protocols.join(' or ')} URL` },
  );
