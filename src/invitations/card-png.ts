// The invitation card as a PNG for printing: 100 × 150 mm at 300 dpi (the SVG card's size), white,
// the portal's name, the invitation's name (wrapped, smaller when long), the expiry, the QR code of
// the redemption link and the portal's address, drawn with our bitmap font (card-font.ts) into an
// 8-bit greyscale raster and encoded with node:zlib (a PNG is a deflated raster with CRCs).
import { crc32, deflateSync } from 'node:zlib';
import QRCode from 'qrcode';
import { CELL_HEIGHT, CELL_WIDTH, charactersOf, glyphFor } from './card-font.ts';

const DPI = 300;
const mm = (v: number) => Math.round((v * DPI) / 25.4);
export const CARD_WIDTH = mm(100);
export const CARD_HEIGHT = mm(150);
const MARGIN = mm(8);
const INK = 0x1c;
const MUTED = 0x57;

/** A greyscale raster, 0 black … 255 white. */
export class Raster {
  readonly data: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = new Uint8Array(width * height).fill(255);
  }

  fill(x: number, y: number, w: number, h: number, shade: number): void {
    const x0 = Math.max(0, x);
    const x1 = Math.min(this.width, x + w);
    for (let yy = Math.max(0, y); yy < Math.min(this.height, y + h); yy++)
      this.data.fill(shade, yy * this.width + x0, yy * this.width + x1);
  }

  /** Draws one line of text with its top-left corner at (x, y), each font pixel `scale` pixels. */
  text(chars: readonly string[], x: number, y: number, scale: number, shade: number): void {
    chars.forEach((ch, i) => {
      const g = glyphFor(ch);
      const left = x + i * CELL_WIDTH * scale;
      for (let r = 0; r < CELL_HEIGHT; r++)
        for (let c = 0; c < CELL_WIDTH; c++)
          if (g[r * CELL_WIDTH + c]) this.fill(left + c * scale, y + r * scale, scale, scale, shade);
    });
  }

  /** The PNG file: colour type 0 (greyscale), 8 bits, no interlace; each row filtered "Up". */
  png(): Buffer {
    const { width, height, data } = this;
    const raw = Buffer.alloc((width + 1) * height);
    for (let y = 0; y < height; y++) {
      const o = y * (width + 1);
      raw[o] = 2; // Up: mostly white rows repeat, so they become zeros.
      for (let x = 0; x < width; x++) {
        const above = y > 0 ? (data[(y - 1) * width + x] as number) : 0;
        raw[o + 1 + x] = ((data[y * width + x] as number) - above) & 0xff;
      }
    }
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(width, 0);
    ihdr.writeUInt32BE(height, 4);
    ihdr.set([8, 0, 0, 0, 0], 8);
    return Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      chunk('pHYs', physical()),
      chunk('IDAT', deflateSync(raw, { level: 9 })),
      chunk('IEND', Buffer.alloc(0)),
    ]);
  }
}

function chunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body, crc32(head.subarray(4))), 0);
  return Buffer.concat([head, body, crc]);
}

/** 300 dpi in pixels per metre, so that printing at 100 % gives 100 × 150 mm. */
function physical(): Buffer {
  const b = Buffer.alloc(9);
  const ppm = Math.round(DPI / 0.0254);
  b.writeUInt32BE(ppm, 0);
  b.writeUInt32BE(ppm, 4);
  b[8] = 1;
  return b;
}

/** Breaks text into lines of at most `max` characters at spaces (a longer word is cut). */
export function wrap(text: string, max: number): string[][] {
  const lines: string[][] = [];
  let line: string[] = [];
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let w = charactersOf(word);
    if (line.length > 0 && line.length + 1 + w.length <= max) {
      line.push(' ', ...w);
      continue;
    }
    if (line.length > 0) lines.push(line);
    while (w.length > max) {
      lines.push(w.slice(0, max));
      w = w.slice(max);
    }
    line = w;
  }
  if (line.length > 0) lines.push(line);
  return lines;
}

/** Lines at the largest scale of `scales` that fits `maxLines`; the last line cut with "..." if none does. */
function fitLines(
  text: string,
  width: number,
  scales: number[],
  maxLines: number,
): { lines: string[][]; scale: number } {
  for (const scale of scales) {
    const lines = wrap(text, Math.floor(width / (CELL_WIDTH * scale)));
    if (lines.length <= maxLines) return { lines, scale };
  }
  const scale = scales.at(-1) as number;
  const max = Math.floor(width / (CELL_WIDTH * scale));
  const lines = wrap(text, max).slice(0, maxLines);
  const last = lines[maxLines - 1] as string[];
  lines[maxLines - 1] = [...last.slice(0, max - 3), '.', '.', '.'];
  return { lines, scale };
}

/** Draws lines centred between the margins from `y`; returns the y below them. */
function centred(img: Raster, lines: string[][], y: number, scale: number, shade: number): number {
  let top = y;
  for (const line of lines) {
    // The last column of a cell is spacing: leave it out when centring.
    const w = (line.length * CELL_WIDTH - 1) * scale;
    img.text(line, Math.round((img.width - w) / 2), top, scale, shade);
    top += (CELL_HEIGHT + 1) * scale;
  }
  return top;
}

export interface CardText {
  siteName: string;
  name: string;
  /** The expiry line (card.ts expiryText: the invitation's language, Site/TimeZone). */
  expiry: string;
  /** The portal's address printed under the code (the link without its code). */
  footer: string;
  url: string;
}

/** The whole card as a PNG. */
export function renderCardPng(card: CardText): Buffer {
  const img = new Raster(CARD_WIDTH, CARD_HEIGHT);
  const width = CARD_WIDTH - 2 * MARGIN;
  let y = MARGIN;
  if (card.siteName) {
    const site = fitLines(card.siteName, width, [6, 5, 4], 2);
    y = centred(img, site.lines, y, site.scale, MUTED) + mm(3);
  }
  const name = fitLines(card.name, width, [9, 7, 5], 4);
  y = centred(img, name.lines, y, name.scale, INK) + mm(2);
  const expiry = fitLines(card.expiry, width, [5, 4], 1);
  y = centred(img, expiry.lines, y, expiry.scale, INK) + mm(2);

  const footer = fitLines(card.footer, width, [3], 2);
  const footerHeight = footer.lines.length * (CELL_HEIGHT + 1) * footer.scale;
  const qr = QRCode.create(card.url, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  // Whole pixels a module, as large as fits between the text and the footer with the quiet zone
  // of 4 modules the standard asks for around it (at most 80 mm).
  const room = Math.min(mm(80), CARD_HEIGHT - MARGIN - footerHeight - y);
  const cell = Math.max(1, Math.floor(room / (n + 8)));
  const left = Math.round((CARD_WIDTH - n * cell) / 2);
  const top = y + 4 * cell;
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++) if (qr.modules.get(r, c)) img.fill(left + c * cell, top + r * cell, cell, cell, 0);
  centred(img, footer.lines, CARD_HEIGHT - MARGIN - footerHeight, footer.scale, MUTED);
  return img.png();
}
