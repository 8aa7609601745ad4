// The language of a page request: ?lang=, then the candidates the caller knows about the person
// (their own, a remembered choice), then Accept-Language, then the site's. The picking itself is shared/locale.ts; this reads it off the request.
import type { FastifyRequest } from 'fastify';
import { acceptedLanguages, asLocale, pickLocale, type Locale } from '../shared/locale.ts';

/** The language chosen with ?lang= on this request, if any. */
export const explicitLang = (request: FastifyRequest): Locale | null =>
  asLocale((request.query as { lang?: unknown } | undefined)?.lang);

export function requestLocale(
  request: FastifyRequest,
  personLocale?: string | null | ReadonlyArray<string | null | undefined>,
  siteDefault: Locale = 'en',
): Locale {
  const header = request.headers['accept-language'];
  const person = Array.isArray(personLocale) ? personLocale : [personLocale];
  return pickLocale(
    [explicitLang(request), ...person, ...acceptedLanguages(typeof header === 'string' ? header : undefined)],
    siteDefault,
  );
}

/** A link that keeps an explicit ?lang= choice. */
export function withLang(path: string, lang: Locale | null): string {
  if (!lang) return path;
  return `${path}${path.includes('?') ? '&' : '?'}lang=${lang}`;
}
