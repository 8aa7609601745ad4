// The printable invitation card (GET /invitations/{id}/card.svg and .png): the portal's name, the
// invitation's name, its expiry and a QR code of the redemption link. Admins only, audited like the
// link call, since the QR code carries the code. Both are the whole card, 100 × 150 mm; the PNG is
// drawn at 300 dpi with our own bitmap font (card-png.ts, card-font.ts).
import QRCode from 'qrcode';
import type { Actor, AppContext } from '../context.ts';
import { writeAudit } from '../audit/audit.repo.ts';
import { conflict, notFound } from '../shared/errors.ts';
import { requireAdmin } from '../users/users.service.ts';
import { decryptCode, redeemUrl } from './codes.ts';
import * as repo from './invitations.repo.ts';
import { settingValueIn } from '../site-settings/site-settings.service.ts';
import { renderCardPng } from './card-png.ts';

const escapeXml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string);

export interface CardData {
  siteName: string;
  name: string;
  expiresAt: string | null;
  url: string;
  /** The invitation's language (else the site's), as the email and redemption pages use. */
  locale: 'da' | 'en';
  /** Site/TimeZone: a printed card names the local time, the zone named beside it. */
  timeZone: string;
}

/** The card's data, the code decrypted; audited. */
async function cardData(ctx: AppContext, actor: Actor, id: string, format: 'png' | 'svg'): Promise<CardData> {
  requireAdmin(actor);
  return ctx.db.transaction().execute(async (tx) => {
    const row = await repo.findInvitation(tx, id);
    if (!row) throw notFound('The invitation');
    if (!row.code_encrypted) throw conflict('This invitation keeps no recoverable copy of its code.');
    let code: string;
    try {
      code = decryptCode(ctx.secrets, row.code_encrypted);
    } catch {
      throw conflict('The code cannot be recovered with the current SECRET_KEY.');
    }
    const siteName = (await settingValueIn(tx, 'Site/Name')).trim();
    const siteLocale = await settingValueIn(tx, 'Site/DefaultLocale');
    const timeZone = (await settingValueIn(tx, 'Site/TimeZone')).trim() || 'UTC';
    await writeAudit(tx, { actor, action: 'card', recordType: 'invitation', recordId: id, details: { format } });
    return {
      siteName,
      name: row.name,
      expiresAt: row.expires_at,
      url: redeemUrl(ctx.config.publicUrl, code),
      locale: (row.locale ?? siteLocale) === 'da' ? 'da' : 'en',
      timeZone,
    };
  });
}

/** "Valid until 31 December 2026, 23:59 (Europe/Copenhagen)" in the card's language and zone. */
export function expiryText(d: Pick<CardData, 'expiresAt' | 'locale' | 'timeZone'>): string {
  if (!d.expiresAt) return d.locale === 'da' ? 'Ingen udløbsdato' : 'No expiry';
  const when = new Intl.DateTimeFormat(d.locale === 'da' ? 'da-DK' : 'en-GB', {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: d.timeZone,
  })
    .format(new Date(d.expiresAt))
    // ICU may put no-break spaces in; the bitmap font draws plain ones.
    .replace(/[\u00a0\u202f]/g, ' ');
  return d.locale === 'da' ? `Gyldig til ${when} (${d.timeZone})` : `Valid until ${when} (${d.timeZone})`;
}

/** The portal's address under the QR code: the link without its code. */
const footerText = (d: CardData) => d.url.replace(/\?code=.*/, '');

/** The card as SVG: 100 × 150 mm, text above, the QR code below. */
export async function invitationCardSvg(ctx: AppContext, actor: Actor, id: string): Promise<string> {
  const d = await cardData(ctx, actor, id, 'svg');
  const qr = QRCode.create(d.url, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const cell = 70 / n;
  let path = '';
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++)
      if (qr.modules.get(y, x))
        path += `M${(15 + x * cell).toFixed(3)} ${(62 + y * cell).toFixed(3)}h${cell.toFixed(3)}v${cell.toFixed(3)}h-${cell.toFixed(3)}z`;
  const expiry = expiryText(d);
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="100mm" height="150mm" viewBox="0 0 100 150" role="img" aria-label="${escapeXml(`${d.siteName}: ${d.name}`)}">
<rect width="100" height="150" fill="#ffffff"/>
<text x="50" y="18" text-anchor="middle" font-family="Helvetica, Arial, sans-serif" font-size="6" fill="#57534e">${escapeXml(d.siteName)}</text>
<text x="50" y="34" text-anchor="middle" font-family="Helvetica, Arial, sans-serif" font-size="8" font-weight="bold" fill="#1c1917">${escapeXml(d.name)}</text>
<text x="50" y="46" text-anchor="middle" font-family="Helvetica, Arial, sans-serif" font-size="4.5" fill="#1c1917">${escapeXml(expiry)}</text>
<path d="${path}" fill="#000000"/>
<text x="50" y="142" text-anchor="middle" font-family="Helvetica, Arial, sans-serif" font-size="3" fill="#57534e">${escapeXml(footerText(d))}</text>
</svg>
`;
}

/** The card as PNG: 100 × 150 mm at 300 dpi, the same text and QR code as the SVG. */
export async function invitationCardPng(ctx: AppContext, actor: Actor, id: string): Promise<Buffer> {
  const d = await cardData(ctx, actor, id, 'png');
  return renderCardPng({
    siteName: d.siteName,
    name: d.name,
    expiry: expiryText(d),
    footer: footerText(d),
    url: d.url,
  });
}
