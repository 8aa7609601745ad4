// A refused request as a page: the API's HTTP status for the same code, Retry-After when the error
// carries one, and the text that explains it in the visitor's language (its reason's, else its code's).
import type { FastifyReply } from 'fastify';
import type { VNode } from 'preact';
import type { AppError, ErrorCode, RefusalReason } from '../shared/errors.ts';
import { statusOf } from '../shared/problem.ts';
import { sendPage } from './render.ts';

export interface ProblemText {
  title: string;
  body: string;
}

/** What a dictionary must hold to explain refusals: a missing code or reason does not compile. */
export interface RefusalTexts {
  errors: Record<ErrorCode, ProblemText>;
  reasons: Record<RefusalReason, string>;
  codeLabel: string;
  /** false: English pages too show the dictionary's text, never a service's detail (the portal's choice). */
  serviceDetail?: boolean;
}

/** The HTTP status of a problem page: the API's status for the same code. */
export const pageStatus = (err: AppError): number => statusOf(err.code);

/** Tells the client when to try again, when the refusal says (rate-limited). */
export function setRetryAfter(reply: FastifyReply, err: AppError): void {
  if (err.retryAfter !== undefined) reply.header('Retry-After', String(err.retryAfter));
}

/** Sends the page that says why `err` refused the request, with its status and any Retry-After. */
export function sendRefusal(reply: FastifyReply, err: AppError, page: VNode): FastifyReply {
  setRetryAfter(reply, err);
  return sendPage(reply, pageStatus(err), page);
}

/**
 * The readable explanation of a problem. The services explain themselves in English, so an English
 * page shows their detail; a Danish one the code's own text, unless the error names its reason.
 */
export function problemText(t: RefusalTexts, err: AppError, english: boolean): ProblemText {
  const base = t.errors[err.code];
  if (err.reason) return { title: base.title, body: t.reasons[err.reason] };
  const d = err.detail ?? '';
  if (english && t.serviceDetail !== false && d && err.code !== 'validation-failed' && err.code !== 'internal-error')
    return { title: base.title, body: d };
  return base;
}
