// The PNG card: the whole card (portal name, invitation name, expiry, QR code) at 300 dpi, its QR
// code decoded back to the redemption link with a QR reader, the text drawn (dark pixels in the
// title area, different for different names), Danish letters with real glyphs, long names wrapped
// and cut. Admins only. Both databases (the card reads the invitation and writes the audit entry).
import jsqr from 'jsqr';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { factories } from '../../test/helpers/factories.ts';
import { CELL_HEIGHT, CELL_WIDTH, charactersOf, glyphFor, hasGlyph } from './card-font.ts';
import { CARD_HEIGHT, CARD_WIDTH, wrap } from './card-png.ts';

// jsqr is CommonJS: its default import is the function itself.
const jsQR = jsqr as unknown as (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;

const t = useTestApp();
const make = factories(t);

async function card(id: string, token = t.adminToken) {
  return t.app.inject({
    method: 'GET',
    url: `/api/v1/invitations/${id}/card.png`,
    headers: { authorization: `Bearer ${token}` },
  });
}

/** Dark pixels (below mid grey) in rows [from, to) of the decoded image. */
function darkIn(image: PNG, from: number, to: number): number {
  let n = 0;
  for (let y = from; y < to; y++)
    for (let x = 0; x < image.width; x++) if ((image.data[(y * image.width + x) * 4] as number) < 128) n++;
  return n;
}

const rowsOf = (image: PNG, from: number, to: number) =>
  Buffer.from(image.data.subarray(from * image.width * 4, to * image.width * 4));

describe('the PNG card', () => {
  it('is the whole card at 300 dpi: the QR code decodes to the redemption link, the name is drawn, admins only', async () => {
    const expiresAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
    await make.setting('Site/Name', 'Kundeportalen');
    const one = await make.invitation({ name: 'Årsmøde i Ærøskøbing', type: 'group', expiresAt });
    const two = await make.invitation({ name: 'Sommerfest', type: 'group', expiresAt });
    const r1 = await card(one.id);
    expect(r1.statusCode).toBe(200);
    expect(r1.headers['content-type']).toBe('image/png');
    const a = PNG.sync.read(r1.rawPayload);
    expect([a.width, a.height]).toEqual([CARD_WIDTH, CARD_HEIGHT]);
    expect([a.width, a.height]).toEqual([1181, 1772]);
    expect(jsQR(new Uint8ClampedArray(a.data), a.width, a.height)?.data).toBe(one.redeemUrl);

    const b = PNG.sync.read((await card(two.id)).rawPayload);
    expect(jsQR(new Uint8ClampedArray(b.data), b.width, b.height)?.data).toBe(two.redeemUrl);
    // The top fifth holds the portal's name, the invitation's name and the expiry: ink there, and
    // the two names make different pictures while the portal's name line is the same.
    const title = [Math.round(CARD_HEIGHT * 0.15), Math.round(CARD_HEIGHT * 0.22)] as const;
    expect(darkIn(a, 0, Math.round(CARD_HEIGHT * 0.08))).toBeGreaterThan(1000);
    expect(darkIn(a, ...title)).toBeGreaterThan(5000);
    expect(rowsOf(a, ...title).equals(rowsOf(b, ...title))).toBe(false);
    expect(rowsOf(a, 0, Math.round(CARD_HEIGHT * 0.08)).equals(rowsOf(b, 0, Math.round(CARD_HEIGHT * 0.08)))).toBe(
      true,
    );

    expect((await card(one.id, t.staffToken)).statusCode).toBe(403);
    const audit = await t.ctx.db.selectFrom('audit_log').select('details').where('record_id', '=', one.id).execute();
    expect(audit.filter((e) => String(e.details).includes('"png"'))).toHaveLength(1);
  });

  it('draws Danish and other Latin-1 letters with their own glyphs, and the replacement glyph for the rest', () => {
    const replacement = Buffer.from(glyphFor('\uFFFD'));
    const ink = (ch: string) => Buffer.from(glyphFor(ch));
    for (const ch of 'æøåÆØÅéüÉÜçÇñÑöÖäÄßõÕ') {
      expect(hasGlyph(ch), ch).toBe(true);
      expect(ink(ch).equals(replacement), ch).toBe(false);
    }
    // A letter with a mark differs from its base letter and from the same letter with another mark.
    expect(ink('å').equals(ink('a'))).toBe(false);
    expect(ink('é').equals(ink('è'))).toBe(false);
    expect(ink('Ø').equals(ink('O'))).toBe(false);
    expect(ink('Ø').equals(ink('0'))).toBe(false);
    // Every printable ASCII character has a glyph.
    for (let c = 0x20; c < 0x7f; c++) expect(hasGlyph(String.fromCharCode(c)), String.fromCharCode(c)).toBe(true);
    // Characters outside the font draw as the replacement glyph.
    for (const ch of ['☃', '漢', 'Ж']) {
      expect(hasGlyph(ch)).toBe(false);
      expect(ink(ch).equals(replacement)).toBe(true);
    }
    expect(glyphFor('A')).toHaveLength(CELL_WIDTH * CELL_HEIGHT);
    // Typographic characters become their plain look-alikes; decomposed input is composed first.
    expect(charactersOf('Anna’s – “fest”…')).toEqual([...'Anna\'s - "fest"...']);
    expect(charactersOf('A\u030Arhus')).toEqual(['Å', 'r', 'h', 'u', 's']);
  });

  it('wraps long names at spaces, cutting words longer than a line', () => {
    expect(wrap('Årsmøde i Ærøskøbing for alle', 12).map((l) => l.join(''))).toEqual([
      'Årsmøde i',
      'Ærøskøbing',
      'for alle',
    ]);
    expect(wrap('Donaudampfschifffahrt', 8).map((l) => l.join(''))).toEqual(['Donaudam', 'pfschiff', 'fahrt']);
  });

  it('still decodes and keeps the text inside the card for a very long name', async () => {
    const inv = await make.invitation({ name: 'Meget langt navn '.repeat(11).trim(), type: 'group' });
    const image = PNG.sync.read((await card(inv.id)).rawPayload);
    expect(jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data).toBe(inv.redeemUrl);
    // The margins (8 mm = 94 px) stay white on both sides.
    const inked: string[] = [];
    for (let y = 0; y < image.height; y++)
      for (const x of [0, 50, image.width - 51, image.width - 1])
        if (image.data[(y * image.width + x) * 4] !== 255) inked.push(`${x},${y}`);
    expect(inked).toEqual([]);
  });
});
