// The one mapping from error codes to HTTP statuses and RFC 9457 problem documents.
import type { ErrorCode, FieldError } from './errors.ts';
import type { AppError } from './errors.ts';

const statusByCode: Record<ErrorCode, number> = {
  'malformed-request': 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'workflow-activated': 409,
  'method-not-allowed': 405,
  'payload-too-large': 413,
  'uri-too-long': 414,
  'header-too-large': 431,
  'validation-failed': 422,
  'rate-limited': 429,
  'csrf-invalid': 403,
  'registration-closed': 403,
  'invitation-not-found': 404,
  'invitation-expired': 410,
  'invitation-inactive': 409,
  'invitation-redeemed': 409,
  'max-redemptions-reached': 409,
  'already-redeemed-by-contact': 409,
  'binding-mismatch': 403,
  'sign-in-method-required': 403,
  'external-sign-in-failed': 400,
  'invitation-declined': 409,
  'internal-error': 500,
};

const titleByCode: Record<ErrorCode, string> = {
  'malformed-request': 'The request could not be read.',
  unauthorized: 'Authentication is required.',
  forbidden: 'You are not allowed to do this.',
  'not-found': 'Not found.',
  conflict: 'The request conflicts with the current state.',
  'workflow-activated': 'The workflow is activated; deactivate it before editing.',
  'method-not-allowed': 'This address does not answer this method.',
  'payload-too-large': 'The request body is too large.',
  'uri-too-long': 'The address is too long.',
  'header-too-large': 'The request headers are too large.',
  'validation-failed': 'The request has invalid fields.',
  'rate-limited': 'Too many requests; try again later.',
  'csrf-invalid': 'The form has expired or its security token is missing; reload and try again.',
  'registration-closed': 'Sign-up is open only through an invitation.',
  'invitation-not-found': 'No invitation has this code.',
  'invitation-expired': 'This invitation has expired.',
  'invitation-inactive': 'This invitation has been deactivated.',
  'invitation-redeemed': 'This invitation has already been redeemed.',
  'max-redemptions-reached': 'This invitation has reached its maximum number of redemptions.',
  'already-redeemed-by-contact': 'You have already redeemed this invitation.',
  'binding-mismatch': 'This invitation is meant for another email address.',
  'sign-in-method-required': 'This invitation must be redeemed through another sign-in method.',
  'external-sign-in-failed': 'The sign-in with the identity provider failed.',
  'invitation-declined': 'This invitation has been declined.',
  'internal-error': 'Something went wrong on our side.',
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail?: string;
  errors?: FieldError[];
}

export const statusOf = (code: ErrorCode): number => statusByCode[code];
export const titleOf = (code: ErrorCode): string => titleByCode[code];

export function toProblem(err: AppError): Problem {
  const problem: Problem = {
    type: `https://portal-invitations.dev/problems/${err.code}`,
    title: titleByCode[err.code],
    status: statusByCode[err.code],
    code: err.code,
  };
  if (err.detail !== undefined) problem.detail = err.detail;
  if (err.errors !== undefined) problem.errors = err.errors;
  return problem;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';
