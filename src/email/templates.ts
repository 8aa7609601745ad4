// Email templates in Liquid: the HTML body escapes every output (`{{ contact.firstName }}` with
// `<script>` in it stays text); subject and text body are not HTML, so they are not escaped.
// Templates cannot read files (no include from disk) and have time and memory limits.
import type { Template } from 'liquidjs';
import { createSafeLiquid, RenderFailure, renderBounded } from '../shared/liquid.ts';

export interface EmailTemplateSource {
  subject: string;
  html: string;
  text: string;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export interface TemplateProblem {
  line: number;
  column: number;
  message: string;
}

const htmlEngine = createSafeLiquid(true);
const plainEngine = createSafeLiquid(false);

type Kind = 'html' | 'plain';
const engineOf = (kind: Kind) => (kind === 'html' ? htmlEngine : plainEngine);

// Parsed templates by source; a template is parsed once however many emails it renders.
const MAX_CACHED = 500;
const cache = new Map<string, Template[]>();

function parsed(kind: Kind, source: string): Template[] {
  const key = `${kind}\u0000${source}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const templates = engineOf(kind).parse(source);
  cache.set(key, templates);
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value as string);
  return templates;
}

/** A problem of the Liquid in `source` (syntax, unknown filter), or null when it is valid. */
export function validateTemplate(source: string): TemplateProblem | null {
  try {
    plainEngine.parse(source);
    return null;
  } catch (err) {
    const e = err as { message?: string; token?: { getPosition?: () => [number, number] } };
    const [line, column] = e.token?.getPosition?.() ?? [1, 1];
    const message = (e.message ?? String(err)).replace(/, line:\d+, col:\d+$/, '');
    return { line, column, message };
  }
}

export type TemplatePart = keyof EmailTemplateSource;

/** A part of a template (subject, HTML or text) that could not be parsed or rendered, and where. */
export class TemplatePartFailure extends RenderFailure {
  constructor(
    readonly part: TemplatePart,
    failure: { message: string; line?: number | undefined; column?: number | undefined; cause?: unknown },
  ) {
    super(failure.message, {
      cause: failure.cause,
      ...(failure.line !== undefined ? { line: failure.line } : {}),
      ...(failure.column !== undefined ? { column: failure.column } : {}),
    });
    this.name = 'TemplatePartFailure';
  }
}

function renderPart(part: TemplatePart, kind: Kind, source: string, variables: Record<string, unknown>): string {
  let templates: Template[];
  try {
    templates = parsed(kind, source);
  } catch (err) {
    throw new TemplatePartFailure(part, { ...(validateTemplate(source) ?? { message: String(err) }), cause: err });
  }
  try {
    return renderBounded(engineOf(kind), templates, variables);
  } catch (err) {
    if (!(err instanceof RenderFailure)) throw err;
    throw new TemplatePartFailure(part, { message: err.message, line: err.line, column: err.column, cause: err });
  }
}

/**
 * Renders subject, HTML and text with `variables`. The subject is one line. A part that fails is a
 * TemplatePartFailure naming the part (and its line and column when liquidjs knows them).
 */
export function renderEmail(template: EmailTemplateSource, variables: Record<string, unknown>): RenderedEmail {
  const subject = renderPart('subject', 'plain', template.subject, variables);
  return {
    subject: subject.replace(/\s*[\r\n]+\s*/g, ' ').trim(),
    html: renderPart('html', 'html', template.html, variables),
    text: renderPart('text', 'plain', template.text, variables),
  };
}
