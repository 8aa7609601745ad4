// Liquid engines for text that staff write (email templates, content pages): includes and layouts
// resolve only against an empty map, never the file system; parsing, rendering and memory are
// limited. `escapeOutput` HTML-escapes every `{{ … }}` (for HTML bodies).
import { Liquid } from 'liquidjs';

export function createSafeLiquid(escapeOutput: boolean): Liquid {
  return new Liquid({
    templates: {},
    strictFilters: true,
    ownPropertyOnly: true,
    parseLimit: 1_000_000,
    renderLimit: 1_000,
    memoryLimit: 10_000_000,
    ...(escapeOutput ? { outputEscape: 'escape' as const } : {}),
  });
}
