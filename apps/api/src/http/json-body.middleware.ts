import { json, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { DomainError } from '@hivehub/common';

/** JSON bodies up to `limit`; parse failures become DomainErrors so they carry the usual envelope. */
export function jsonBodyMiddleware(limit: string): RequestHandler {
  const parse = json({ limit });
  return (req: Request, res: Response, next: NextFunction) =>
    parse(req, res, (err?: unknown) => {
      if (!err) return next();
      const type = (err as { type?: string }).type;
      if (type === 'entity.too.large') return next(new DomainError('payload_too_large', `request body is larger than ${limit} (BODY_LIMIT)`));
      if (type === 'entity.parse.failed') return next(new DomainError('invalid_json', `request body is not valid JSON: ${(err as Error).message}`));
      return next(new DomainError('bad_request', (err as Error).message));
    });
}
