import type { Request } from 'express';

export function bearerToken(req: Request): string | undefined {
  const header = req.header('authorization');
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/** A tenant key from `Authorization: Bearer` or from Qdrant's `api-key` header. */
export function presentedApiKey(req: Request): string | undefined {
  return bearerToken(req) ?? req.header('api-key')?.trim() ?? undefined;
}
