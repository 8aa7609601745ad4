// How the back office shows values: times in the site's time zone and the page's language, and
// empty values as a dash.
import type { AdminPageContext } from '../page-context.ts';

const formats = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string, timeZone: string, dateOnly: boolean): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${dateOnly}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale === 'da' ? 'da-DK' : 'en-GB', {
      dateStyle: 'medium',
      ...(dateOnly ? {} : { timeStyle: 'short' }),
      timeZone,
    });
    formats.set(key, f);
  }
  return f;
}

/** A time as the page's reader expects it (UTC unless the page context says otherwise). */
export function formatTime(pc: AdminPageContext, iso: string | null | undefined, dateOnly = false): string {
  if (!iso) return pc.t.form.none;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return formatter(pc.locale, pc.timeZone ?? 'UTC', dateOnly).format(d);
}
