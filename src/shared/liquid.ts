// Liquid engines for text that staff write (email templates, content pages): includes and layouts
// resolve only against an empty map, never the file system; parsing, rendering and memory are
// limited. `escapeOutput` HTML-escapes every `{{ … }}` (for HTML bodies).
//
// liquidjs's memory limit does not count what `{% capture %}` builds, so a capture that doubles
// itself in a loop built a 67 MB string inside a 10 MB limit: here every capture is charged to
// the same memory limit, and what a render produces is bounded too (`renderBounded`).
import { type Context, type Emitter, Liquid, type Tag, type Template } from 'liquidjs';

/** The most characters one render may produce (a page, an email body). */
export const RENDERED_MAX = 2_000_000;
const MEMORY_LIMIT = 10_000_000;

export function createSafeLiquid(escapeOutput: boolean): Liquid {
  const engine = new Liquid({
    templates: {},
    strictFilters: true,
    ownPropertyOnly: true,
    parseLimit: 1_000_000,
    renderLimit: 1_000,
    memoryLimit: MEMORY_LIMIT,
    ...(escapeOutput ? { outputEscape: 'escape' as const } : {}),
  });
  // The built-in capture tag, typed as what it is (a concrete tag whose render is a generator).
  const BuiltInCapture = engine.tags.capture as unknown as new (
    ...args: never[]
  ) => Omit<Tag, 'render'> & {
    variable: string;
    render(ctx: Context, emitter: Emitter): Generator<unknown, unknown, unknown>;
  };
  class ChargedCapture extends BuiltInCapture {
    override *render(ctx: Context, emitter: Emitter): Generator<unknown, unknown, unknown> {
      yield* super.render(ctx, emitter);
      const captured = (ctx.bottom() as Record<string, unknown>)[this.variable];
      if (typeof captured === 'string') ctx.memoryLimit.use(captured.length);
      return undefined;
    }
  }
  engine.registerTag('capture', ChargedCapture as never);
  return engine;
}

/** A render that went past a limit (time, memory, output size) or failed otherwise. */
export class RenderFailure extends Error {
  /** Where in the template it failed, when liquidjs knows (its token's position, from 1). */
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(message: string, options?: { cause?: unknown; line?: number; column?: number }) {
    super(message, options);
    this.name = 'RenderFailure';
    this.line = options?.line;
    this.column = options?.column;
  }
}

/** The line and column liquidjs's error carries on its token, if any. */
export function liquidPosition(err: unknown): { line: number; column: number } | undefined {
  const token = (err as { token?: { getPosition?: () => [number, number] } } | null)?.token;
  const position = typeof token?.getPosition === 'function' ? token.getPosition() : undefined;
  return position ? { line: position[0], column: position[1] } : undefined;
}

/** Renders synchronously within the engine's limits and RENDERED_MAX; any failure is a RenderFailure. */
export function renderBounded(engine: Liquid, templates: Template[], scope: Record<string, unknown>): string {
  let out: unknown;
  try {
    out = engine.renderSync(templates, scope);
  } catch (err) {
    const message = err instanceof Error ? err.message.replace(/, line:\d+, col:\d+$/, '') : String(err);
    throw new RenderFailure(message, { cause: err, ...liquidPosition(err) });
  }
  const text = String(out ?? '');
  if (text.length > RENDERED_MAX)
    throw new RenderFailure(`the result is longer than ${RENDERED_MAX.toLocaleString('en')} characters`);
  return text;
}
