// The portal's language: ?lang=, then the signed-in contact's locale, then Accept-Language, then the site's.
import type { FastifyRequest } from 'fastify';

export type Locale = 'da' | 'en';

const isLocale = (s: unknown): s is Locale => s === 'da' || s === 'en';

export function requestLocale(
  request: FastifyRequest,
  contactLocale?: string | null,
  siteDefault: Locale = 'en',
): Locale {
  const q = (request.query as { lang?: unknown } | undefined)?.lang;
  if (isLocale(q)) return q;
  if (isLocale(contactLocale)) return contactLocale;
  const header = request.headers['accept-language'];
  if (typeof header === 'string') {
    const ranked = header
      .split(',')
      .map((part) => {
        const [tag, ...params] = part.trim().split(';');
        const qv = params.find((p) => p.trim().startsWith('q='));
        return { lang: (tag ?? '').trim().toLowerCase().slice(0, 2), q: qv ? Number(qv.trim().slice(2)) : 1 };
      })
      .filter((x) => x.q > 0)
      .sort((a, b) => b.q - a.q);
    for (const r of ranked) if (isLocale(r.lang)) return r.lang;
  }
  return siteDefault;
}
