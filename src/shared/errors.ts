// The one closed union of error codes the service speaks, and the error type that carries them.
// Services throw AppError; only shared/problem.ts turns a code into an HTTP status.

export const errorCodes = [
  'malformed-request',
  'unauthorized',
  'forbidden',
  'not-found',
  'conflict',
  'workflow-activated',
  'method-not-allowed',
  'payload-too-large',
  'uri-too-long',
  'header-too-large',
  'validation-failed',
  'rate-limited',
  'csrf-invalid',
  'registration-closed',
  'invitation-not-found',
  'invitation-expired',
  'invitation-inactive',
  'invitation-redeemed',
  'max-redemptions-reached',
  'already-redeemed-by-contact',
  'binding-mismatch',
  'internal-error',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export interface FieldError {
  field: string;
  message: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly detail: string | undefined;
  readonly errors: FieldError[] | undefined;
  /** Seconds a client should wait (rate-limited). */
  readonly retryAfter: number | undefined;

  constructor(code: ErrorCode, detail?: string, options: { errors?: FieldError[]; retryAfter?: number } = {}) {
    super(detail ?? code);
    this.name = 'AppError';
    this.code = code;
    this.detail = detail;
    this.errors = options.errors;
    this.retryAfter = options.retryAfter;
  }
}

export const notFound = (what: string): AppError => new AppError('not-found', `${what} was not found.`);
export const conflict = (reason: string): AppError => new AppError('conflict', reason);
export const validationFailed = (field: string, message: string): AppError =>
  new AppError('validation-failed', `${field}: ${message}`, { errors: [{ field, message }] });
export const forbidden = (detail = 'You are not allowed to do this.'): AppError => new AppError('forbidden', detail);
