// Turns every error that reaches Fastify into a problem document with a stable code.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type FieldError } from '../shared/errors.ts';
import { PROBLEM_CONTENT_TYPE, toProblem } from '../shared/problem.ts';

interface ZodIssueLike {
  keyword: string;
  instancePath: string;
  message: string;
  params?: { keys?: string[] };
}

const fieldOf = (instancePath: string, context: string | undefined): string => {
  const path = instancePath.replace(/^\//, '').split('/').filter(Boolean).join('.');
  return path || (context === 'querystring' ? 'query' : 'body');
};

export function validationToAppError(err: FastifyError): AppError {
  const context = (err as { validationContext?: string }).validationContext;
  const issues = (err.validation ?? []) as unknown as ZodIssueLike[];
  if (context === 'params') return new AppError('not-found', 'Nothing exists at this address.');
  const errors: FieldError[] = [];
  for (const issue of issues) {
    if (issue.keyword === 'unrecognized_keys' && issue.params?.keys) {
      const prefix = fieldOf(issue.instancePath, undefined);
      for (const key of issue.params.keys) {
        errors.push({
          field: prefix === 'body' || prefix === 'query' ? key : `${prefix}.${key}`,
          message: 'is not a known field',
        });
      }
    } else {
      errors.push({ field: fieldOf(issue.instancePath, context), message: issue.message });
    }
  }
  const detail = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
  return new AppError('validation-failed', detail, { errors });
}

/** Maps Fastify's and its plugins' own errors (body parsing, limits) onto our codes. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as FastifyError;
  if (hasZodFastifySchemaValidationErrors(e)) return validationToAppError(e);
  if (e?.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || e?.statusCode === 413)
    return new AppError('payload-too-large', 'The request body is larger than the server accepts.');
  if (e?.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || e?.statusCode === 415)
    return new AppError('malformed-request', 'Send the body as application/json.');
  if (e?.statusCode === 429)
    return new AppError('rate-limited', 'Too many requests; try again later.', { retryAfter: 60 });
  if (e?.statusCode === 400 || e?.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || e instanceof SyntaxError) {
    return new AppError(
      'malformed-request',
      e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
        ? 'The body is empty but its content type is JSON.'
        : 'The body is not valid JSON.',
    );
  }
  if (e?.statusCode && e.statusCode >= 400 && e.statusCode < 500) return new AppError('malformed-request', e.message);
  return new AppError('internal-error');
}

export function sendProblem(reply: FastifyReply, err: AppError): FastifyReply {
  const problem = toProblem(err);
  if (err.retryAfter !== undefined) reply.header('Retry-After', String(err.retryAfter));
  return reply.code(problem.status).header('Content-Type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

export function errorHandler(err: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const appError = toAppError(err);
  if (appError.code === 'internal-error') request.log.error({ err }, 'unhandled error');
  return sendProblem(reply, appError);
}
