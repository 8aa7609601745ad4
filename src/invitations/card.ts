// The printable invitation card (GET /invitations/{id}/card.svg and .png): the portal's name, the
// invitation's name, its expiry and a QR code of the redemption link. Admins only, audited like the
// link call, since the QR code carries the code. The SVG is the whole card; the PNG is its QR code
// (for letters and mail merges that place the text themselves).
import QRCode from 'qrcode';
import type { Actor, AppContext } from '../context.ts';
import { writeAudit } from '../audit/audit.repo.ts';
import { conflict, notFound } from '../shared/errors.ts';
import { requireAdmin } from '../users/users.service.ts';
import { decryptCode, redeemUrl } from './codes.ts';
import * as repo from './invitations.repo.ts';
import { settingValueIn } from '../site-settings/site-settings.service.ts';

const escapeXml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string);

export interface CardData {
  siteName: string;
  name: string;
  expiresAt: string | null;
  url: string;
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
    await writeAudit(tx, { actor, action: 'card', recordType: 'invitation', recordId: id, details: { format } });
    return {
      siteName,
      name: row.name,
      expiresAt: row.expires_at,
      url: redeemUrl(ctx.config.publicUrl, code),
    };
  });
}

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
  const expiry = d.expiresAt ? `Valid until ${d.expiresAt.slice(0, 16).replace('T', ' ')} UTC` : 'No expiry';
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="100mm" height="150mm" viewBox="0 0 100 150" role="img" aria-label="${escapeXml(`${d.siteName}: ${d.name}`)}">
<rect width="100" height="150" fill="#ffffff"/>
<text x="50" y="18" text-anchor="middle" font-family="Helvetica, Arial, sans-serif" font-size="6" fill="#57534e">${escapeXml(d.siteName)}</text>
<text x="50" y="34" text-anchor="middle" font-family="Helvetica, Arial, sans-serif" font-size="8" font-weight="bold" fill="#1c1917">${escapeXml(d.name)}</text>
<text x="50" y="46" text-anchor="middle" font-family="Helvetica, Arial, sans-serif" font-size="4.5" fill="#1c1917">${escapeXml(expiry)}</text>
<path d="${path}" fill="#000000"/>
<text x="50" y="142" text-anchor="middle" font-family="Helvetica, Arial, sans-serif" font-size="3" fill="#57534e">${escapeXml(d.url.replace(/\?code=.*/, ''))}</text>
</svg>
`;
}

/** The card's QR code as PNG (8 pixels a module, a quiet zone of 4). */
export async function invitationCardPng(ctx: AppContext, actor: Actor, id: string): Promise<Buffer> {
  const d = await cardData(ctx, actor, id, 'png');
  return QRCode.toBuffer(d.url, { type: 'png', errorCorrectionLevel: 'M', scale: 8, margin: 4 });
}
