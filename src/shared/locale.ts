// The languages the product speaks, and the one way to pick among candidates: the first that is one
// of them wins. The portal's request (web/locale.ts) and an email's recipient both pick through it.

export const locales = ['da', 'en'] as const;

export type Locale = (typeof locales)[number];

export const asLocale = (s: unknown): Locale | null => (s === 'da' || s === 'en' ? s : null);

/** The first candidate that is a locale we speak, in order of preference, else `fallback`. */
export function pickLocale(candidates: Iterable<unknown>, fallback: Locale): Locale {
  for (const c of candidates) {
    const locale = asLocale(c);
    if (locale) return locale;
  }
  return fallback;
}

/** The languages of an Accept-Language header, most wanted first (two-letter, lower case; q=0 left out). */
export function acceptedLanguages(header: string | undefined): string[] {
  if (typeof header !== 'string') return [];
  return header
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';');
      const qv = params.find((p) => p.trim().startsWith('q='));
      return { lang: (tag ?? '').trim().toLowerCase().slice(0, 2), q: qv ? Number(qv.trim().slice(2)) : 1 };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q)
    .map((x) => x.lang);
}
