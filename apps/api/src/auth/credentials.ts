import { header, type HttpRequest } from '../http/http-request';

export function bearerToken(req: HttpRequest): string | undefined {
  const value = header(req, 'authorization');
  const match = value ? /^Bearer\s+(\S+)\s*$/i.exec(value) : null;
  return match?.[1];
}

/** A tenant key from `Authorization: Bearer` or from Qdrant's `api-key` header. */
export function presentedApiKey(req: HttpRequest): string | undefined {
  return bearerToken(req) ?? header(req, 'api-key')?.trim() ?? undefined;
}
