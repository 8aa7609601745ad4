// A small bitmap font for the PNG card (we have no text renderer and no native canvas). Glyphs are
// our own design for this project (no outside source): 5 × 7 capitals and digits, lowercase with
// ascenders and 2-row descenders, on a 6-wide cell (one column of spacing). Accented letters are
// composed from the base letter and a mark (NFD), so æ ø å Æ Ø Å é ü ñ ç … all render; a character
// with no glyph draws as the replacement glyph (a box with a question mark).

/** Rows of a glyph, '#' ink, '.' none; row 0 is the cap height, row 6 the baseline, 7–8 descend. */
const G: Record<string, string> = {
  ' ': '..... ..... ..... ..... ..... ..... .....',
  '!': '..#.. ..#.. ..#.. ..#.. ..#.. ..... ..#..',
  '"': '.#.#. .#.#. .#.#. ..... ..... ..... .....',
  '#': '.#.#. .#.#. ##### .#.#. ##### .#.#. .#.#.',
  $: '..#.. .#### #.#.. .###. ..#.# ####. ..#..',
  '%': '##... ##..# ...#. ..#.. .#... #..## ...##',
  '&': '.##.. #..#. #.#.. .#... #.#.# #..#. .##.#',
  "'": '..#.. ..#.. .#... ..... ..... ..... .....',
  '(': '...#. ..#.. .#... .#... .#... ..#.. ...#.',
  ')': '.#... ..#.. ...#. ...#. ...#. ..#.. .#...',
  '*': '..... ..#.. #.#.# .###. #.#.# ..#.. .....',
  '+': '..... ..#.. ..#.. ##### ..#.. ..#.. .....',
  ',': '..... ..... ..... ..... ..... .##.. ..#.. .#...',
  '-': '..... ..... ..... ##### ..... ..... .....',
  '.': '..... ..... ..... ..... ..... .##.. .##..',
  '/': '..... ....# ...#. ..#.. .#... #.... .....',
  '0': '.###. #...# #...# #.#.# #...# #...# .###.',
  '1': '..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.',
  '2': '.###. #...# ....# ...#. ..#.. .#... #####',
  '3': '##### ...#. ..#.. ...#. ....# #...# .###.',
  '4': '...#. ..##. .#.#. #..#. ##### ...#. ...#.',
  '5': '##### #.... ####. ....# ....# #...# .###.',
  '6': '..##. .#... #.... ####. #...# #...# .###.',
  '7': '##### ....# ...#. ..#.. .#... .#... .#...',
  '8': '.###. #...# #...# .###. #...# #...# .###.',
  '9': '.###. #...# #...# .#### ....# ...#. .##..',
  ':': '..... .##.. .##.. ..... .##.. .##.. .....',
  ';': '..... .##.. .##.. ..... .##.. ..#.. .#...',
  '<': '...#. ..#.. .#... #.... .#... ..#.. ...#.',
  '=': '..... ..... ##### ..... ##### ..... .....',
  '>': '.#... ..#.. ...#. ....# ...#. ..#.. .#...',
  '?': '.###. #...# ....# ...#. ..#.. ..... ..#..',
  '@': '.###. #...# ....# .##.# #.#.# #.#.# .###.',
  A: '.###. #...# #...# ##### #...# #...# #...#',
  B: '####. #...# #...# ####. #...# #...# ####.',
  C: '.###. #...# #.... #.... #.... #...# .###.',
  D: '####. #...# #...# #...# #...# #...# ####.',
  E: '##### #.... #.... ####. #.... #.... #####',
  F: '##### #.... #.... ####. #.... #.... #....',
  G: '.###. #...# #.... #.### #...# #...# .####',
  H: '#...# #...# #...# ##### #...# #...# #...#',
  I: '.###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.',
  J: '..### ...#. ...#. ...#. ...#. #..#. .##..',
  K: '#...# #..#. #.#.. ##... #.#.. #..#. #...#',
  L: '#.... #.... #.... #.... #.... #.... #####',
  M: '#...# ##.## #.#.# #.#.# #...# #...# #...#',
  N: '#...# #...# ##..# #.#.# #..## #...# #...#',
  O: '.###. #...# #...# #...# #...# #...# .###.',
  P: '####. #...# #...# ####. #.... #.... #....',
  Q: '.###. #...# #...# #...# #.#.# #..#. .##.#',
  R: '####. #...# #...# ####. #.#.. #..#. #...#',
  S: '.#### #.... #.... .###. ....# ....# ####.',
  T: '##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..',
  U: '#...# #...# #...# #...# #...# #...# .###.',
  V: '#...# #...# #...# #...# #...# .#.#. ..#..',
  W: '#...# #...# #...# #.#.# #.#.# #.#.# .#.#.',
  X: '#...# #...# .#.#. ..#.. .#.#. #...# #...#',
  Y: '#...# #...# .#.#. ..#.. ..#.. ..#.. ..#..',
  Z: '##### ....# ...#. ..#.. .#... #.... #####',
  '[': '.###. .#... .#... .#... .#... .#... .###.',
  '\\': '..... #.... .#... ..#.. ...#. ....# .....',
  ']': '.###. ...#. ...#. ...#. ...#. ...#. .###.',
  '^': '..#.. .#.#. #...# ..... ..... ..... .....',
  _: '..... ..... ..... ..... ..... ..... ..... #####',
  '`': '.#... ..#.. ...#. ..... ..... ..... .....',
  a: '..... ..... .###. ....# .#### #...# .####',
  b: '#.... #.... #.##. ##..# #...# #...# ####.',
  c: '..... ..... .###. #.... #.... #...# .###.',
  d: '....# ....# .##.# #..## #...# #...# .####',
  e: '..... ..... .###. #...# ##### #.... .###.',
  f: '..##. .#..# .#... ###.. .#... .#... .#...',
  g: '..... ..... .#### #...# #...# #...# .#### ....# .###.',
  h: '#.... #.... #.##. ##..# #...# #...# #...#',
  i: '..#.. ..... .##.. ..#.. ..#.. ..#.. .###.',
  j: '...#. ..... ..##. ...#. ...#. ...#. ...#. #..#. .##..',
  k: '#.... #.... #..#. #.#.. ##... #.#.. #..#.',
  l: '.##.. ..#.. ..#.. ..#.. ..#.. ..#.. .###.',
  m: '..... ..... ##.#. #.#.# #.#.# #.#.# #.#.#',
  n: '..... ..... #.##. ##..# #...# #...# #...#',
  o: '..... ..... .###. #...# #...# #...# .###.',
  p: '..... ..... ####. #...# #...# #...# ####. #.... #....',
  q: '..... ..... .#### #...# #...# #...# .#### ....# ....#',
  r: '..... ..... #.##. ##..# #.... #.... #....',
  s: '..... ..... .###. #.... .###. ....# ####.',
  t: '.#... .#... ###.. .#... .#... .#..# ..##.',
  u: '..... ..... #...# #...# #...# #..## .##.#',
  v: '..... ..... #...# #...# #...# .#.#. ..#..',
  w: '..... ..... #...# #...# #.#.# #.#.# .#.#.',
  x: '..... ..... #...# .#.#. ..#.. .#.#. #...#',
  y: '..... ..... #...# #...# #...# #...# .#### ....# .###.',
  z: '..... ..... ##### ...#. ..#.. .#... #####',
  '{': '...#. ..#.. ..#.. .#... ..#.. ..#.. ...#.',
  '|': '..#.. ..#.. ..#.. ..#.. ..#.. ..#.. ..#..',
  '}': '.#... ..#.. ..#.. ...#. ..#.. ..#.. .#...',
  '~': '..... ..... .#... #.#.# ...#. ..... .....',
  // Letters that are not a base letter with a mark.
  Æ: '.#### #.#.. #.#.. ####. #.#.. #.#.. #.###',
  æ: '..... ..... ##.#. ..#.# .#### #.#.. .#.##',
  Ø: '.###. #..## #.#.# #.#.# #.#.# ##..# .###.',
  ø: '..... ..... .###. #..## #.#.# ##..# .###.',
  ß: '.##.. #..#. #..#. #.#.. #..#. #...# #.##.',
  Ð: '.###. .#..# .#..# ###.# .#..# .#..# .###.',
  ð: '.#.#. ..#.. .#.#. .#### #...# #...# .###.',
  Þ: '#.... ####. #...# #...# ####. #.... #....',
  þ: '#.... #.... ####. #...# #...# #...# ####. #.... #....',
  ı: '..... ..... .##.. ..#.. ..#.. ..#.. .###.',
  ȷ: '..... ..... ..##. ...#. ...#. ...#. ...#. #..#. .##..',
  '¡': '..#.. ..... ..#.. ..#.. ..#.. ..#.. ..#..',
  '¿': '..#.. ..... ..#.. .#... #.... #...# .###.',
  '«': '..... ..#.# .#.#. #.#.. .#.#. ..#.# .....',
  '»': '..... #.#.. .#.#. ..#.# .#.#. #.#.. .....',
  '°': '.##.. #..#. .##.. ..... ..... ..... .....',
  '·': '..... ..... ..... .##.. ..... ..... .....',
  '×': '..... #...# .#.#. ..#.. .#.#. #...# .....',
  '§': '.###. #.... .##.. #..#. .##.. ...#. ###..',
  '£': '..##. .#..# .#... ###.. .#... .#..# #.##.',
  '€': '..### .#... ####. .#... ####. .#... ..###',
  '\uFFFD': '##### #...# ###.# ##.## ##.## ##### ##.##',
};

/** Marks placed above (or, the cedilla, below) a base letter; 2 or 3 rows. */
const MARKS: Record<string, string> = {
  '\u0300': '.#... ..#..', // grave
  '\u0301': '...#. ..#..', // acute
  '\u0302': '..#.. .#.#.', // circumflex
  '\u0303': '.##.# #.##.', // tilde
  '\u0304': '..... #####', // macron
  '\u0306': '#...# .###.', // breve
  '\u0307': '..... ..#..', // dot above
  '\u0308': '..... .#.#.', // diaeresis
  '\u030A': '..#.. .#.#. ..#..', // ring above
  '\u030B': '..#.# .#.#.', // double acute
  '\u030C': '.#.#. ..#..', // caron
  '\u0327': '..#.. .##..', // cedilla (below)
  '\u0328': '...#. ....#', // ogonek (below, as a hook)
};
const BELOW = new Set(['\u0327', '\u0328']);

/** Typographic characters drawn as their plain look-alikes. */
const LOOKALIKE: Record<string, string> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201A': ',',
  '\u201C': '"',
  '\u201D': '"',
  '\u201E': '"',
  '\u2013': '-',
  '\u2014': '-',
  '\u2212': '-',
  '\u2026': '...',
  '\u00A0': ' ',
  '\u2009': ' ',
  '\u202F': ' ',
};

/** Cell: 6 columns (5 ink + 1 space); 12 rows from 3 above the cap height to 2 below the baseline. */
export const CELL_WIDTH = 6;
export const CELL_HEIGHT = 12;
/** Rows above the cap height (room for marks on capitals). */
const TOP = 3;

/** A glyph as a CELL_WIDTH × CELL_HEIGHT bit array (row-major, 1 = ink). */
export type Glyph = Uint8Array;

const cache = new Map<string, Glyph>();

function plot(cell: Glyph, rows: string, top: number): void {
  rows.split(' ').forEach((row, r) => {
    for (let x = 0; x < row.length; x++) if (row[x] === '#') cell[(top + r) * CELL_WIDTH + x] = 1;
  });
}

const isLower = (base: string) => base !== base.toUpperCase() || base === 'ı' || base === 'ȷ';

/** The glyph of one user-perceived character (NFC), composed with its marks; null if none. */
function compose(ch: string): Glyph | null {
  const direct = G[ch];
  const cell = new Uint8Array(CELL_WIDTH * CELL_HEIGHT);
  if (direct) {
    plot(cell, direct, TOP);
    return cell;
  }
  const [first, ...marks] = [...ch.normalize('NFD')];
  if (!first || marks.length === 0 || marks.some((m) => !MARKS[m])) return null;
  // i and j lose their dot under a mark above.
  const base = marks.some((m) => !BELOW.has(m)) ? ({ i: 'ı', j: 'ȷ' }[first] ?? first) : first;
  const rows = G[base];
  if (!rows) return null;
  plot(cell, rows, TOP);
  // Above a capital or a letter with an ascender the mark sits in the three rows over the cap
  // height; above the x-height it sits one row over the ascender line.
  const tall = !isLower(base) || /[bdfhklt]/.test(base);
  let above = tall ? 0 : TOP - 1;
  for (const m of marks) {
    const mark = MARKS[m] as string;
    if (BELOW.has(m)) plot(cell, mark, TOP + 7);
    else {
      plot(cell, mark, above);
      above = Math.max(0, above - 1);
    }
  }
  return cell;
}

/** The glyph for one character (a grapheme in NFC); the replacement glyph when there is none. */
export function glyphFor(ch: string): Glyph {
  const hit = cache.get(ch);
  if (hit) return hit;
  const g = compose(ch) ?? (compose('\uFFFD') as Glyph);
  if (cache.size < 2000) cache.set(ch, g);
  return g;
}

/** Whether the font has a real glyph for the character (not the replacement). */
export const hasGlyph = (ch: string): boolean => ch === '\uFFFD' || compose(ch) !== null;

/** The characters to draw for a text: NFC graphemes, look-alikes for typographic ones, no controls. */
export function charactersOf(text: string): string[] {
  const out: string[] = [];
  const segments = new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(text.normalize('NFC'));
  for (const { segment } of segments) {
    const code = segment.codePointAt(0) as number;
    if (segment.length === 1 && (code < 0x20 || code === 0x7f)) continue;
    const plain = LOOKALIKE[segment];
    if (plain) out.push(...plain);
    else out.push(segment);
  }
  return out;
}
