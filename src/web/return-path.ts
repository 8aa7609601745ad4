// Where a page may send someone back to after signing in (`next`, Power Pages' `returnurl`): only
// a path on this service, judged after normalisation — `/portal/../..//evil.example` normalises to
// `//evil.example`, which a browser reads as another host.
export interface ReturnPathRules {
  /** The path the target must be (or be under), e.g. `/portal`. */
  under: string;
  /** Paths under it that are not pages to return to (e.g. `/portal/api`). */
  refused?: readonly string[];
}

const BASE = 'http://return-path.invalid';
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
const UNSAFE = /[\\\s\u0000-\u001f\u007f]/;

const isUnder = (path: string, prefix: string) =>
  path === prefix || path.startsWith(`${prefix}/`) || path.startsWith(`${prefix}?`);

/** The normalised path (with its query) when `value` is a path under `rules.under`, else null. */
export function safeReturnPath(value: string | undefined | null, rules: ReturnPathRules): string | null {
  if (!value || value.length > 1000 || UNSAFE.test(value)) return null;
  // One leading slash: no scheme (`https:`), no authority (`//host`).
  if (!value.startsWith('/') || value.startsWith('//')) return null;
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return null;
  }
  if (url.origin !== BASE) return null;
  const path = url.pathname;
  // The same rules again on what the normalisation (dot segments, %2e) made of it.
  if (!path.startsWith('/') || path.startsWith('//') || UNSAFE.test(path)) return null;
  if (!isUnder(path, rules.under)) return null;
  if (rules.refused?.some((r) => isUnder(path, r))) return null;
  return `${path}${url.search}`;
}
