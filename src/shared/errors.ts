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
  'sign-in-method-required',
  'external-sign-in-failed',
  'invitation-declined',
  'internal-error',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

/**
 * Why a refusal happened, where one code covers several situations a person must be told apart
 * (a `forbidden` sign-in: disabled, or not confirmed yet). Pages translate the reason; the API
 * keeps speaking `code` and the English `detail`.
 */
export const refusalReasons = [
  'email-taken',
  'invited-has-account',
  'confirm-email-first',
  'account-locked',
  'sign-in-disabled',
  'link-invalid',
  'sign-up-off',
  'password-login-off',
  'last-admin',
  'user-delete-self',
  'user-owns-invitations',
  'user-email-taken',
  // external-sign-in-failed (docs/external-sign-in.md): the pending sign-in is unknown, used, expired
  // or another browser's; the provider's answer failed a check; the provider answered with an error;
  // the provider is off or gone.
  'external-sign-in-expired',
  'external-response-invalid',
  'external-provider-error',
  'external-provider-unavailable',
  // conflict: the identity at the provider is already linked to another contact.
  'external-identity-linked-elsewhere',
  // Partners inviting colleagues from the portal (src/partner-invitations):
  'cannot-invite',
  'inviter-without-account',
  'role-not-grantable',
  'colleague-in-other-account',
  'invitation-not-open',
  'send-invitation-off',
  'inviter-daily-limit',
  'account-daily-limit',
] as const;

export type RefusalReason = (typeof refusalReasons)[number];

export interface FieldError {
  field: string;
  message: string;
  /** Where in the field's text the problem is (a Liquid template's line and column, from 1). */
  line?: number;
  column?: number;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly detail: string | undefined;
  readonly errors: FieldError[] | undefined;
  /** Seconds a client should wait (rate-limited). */
  readonly retryAfter: number | undefined;
  readonly reason: RefusalReason | undefined;

  constructor(
    code: ErrorCode,
    detail?: string,
    options: { errors?: FieldError[]; retryAfter?: number | undefined; reason?: RefusalReason | undefined } = {},
  ) {
    super(detail ?? code);
    this.name = 'AppError';
    this.code = code;
    this.detail = detail;
    this.errors = options.errors;
    this.retryAfter = options.retryAfter;
    this.reason = options.reason;
  }
}

export const notFound = (what: string): AppError => new AppError('not-found', `${what} was not found.`);
export const conflict = (detail: string, reason?: RefusalReason): AppError =>
  new AppError('conflict', detail, reason ? { reason } : {});
export const validationFailed = (field: string, message: string): AppError =>
  new AppError('validation-failed', `${field}: ${message}`, { errors: [{ field, message }] });
export const forbidden = (detail = 'You are not allowed to do this.'): AppError => new AppError('forbidden', detail);
