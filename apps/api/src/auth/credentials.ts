import { header, type HttpRequest } from '../http/http-request';

export function bearerToken(req: Pick<HttpRequest, 'headers'>): string | undefined {
  const value = header(req, 'authorization');
  const match = value ? /^Bearer\s+(\S+)\s*$/i.exec(value) : null;
  return match?.[1];
}

/** A tenant key from `Authorization: Bearer` or from Qdrant's `api-key` header. */
export function presentedApiKey(req: Pick<HttpRequest, 'headers'>): string | undefined {
  return bearerToken(req) ?? header(req, 'api-key')?.trim() ?? undefined;
}
