import type { IncomingHttpHeaders } from 'node:http';

/** What controllers and guards read of a request, whatever the HTTP adapter. */
export interface HttpRequest {
  headers: IncomingHttpHeaders;
  method: string;
  url: string;
}

/** A header's value (the first one when repeated), or undefined. */
export function header(req: Pick<HttpRequest, 'headers'>, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
