/**
 * Every failure a caller can act on is a DomainError with a stable code. One HTTP
 * filter maps codes to statuses, so services never think in HTTP.
 */
export const ERROR_STATUS = {
  bad_request: 400,
  invalid_json: 400,
  validation_failed: 422,
  /** An uploaded backup archive that is not one (format, layout, manifest). */
  bad_archive: 422,
  /** Bytes that do not match the sha256 recorded for them. */
  checksum_mismatch: 422,
  unauthorized: 401,
  invalid_api_key: 401,
  invalid_service_key: 401,
  unknown_tenant: 401,
  forbidden: 403,
  insufficient_scope: 403,
  tenant_suspended: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  quota_exceeded: 429,
  unavailable: 503,
  timeout: 504,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  static notFound(what: string, id: string): DomainError {
    return new DomainError('not_found', `${what} ${id} not found`);
  }
}
