// Type-ahead for look-up fields: the suggestions for what was typed, as <option>s for the field's
// datalist (htmx swaps them in). Read-only, for any signed-in user.
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';
import { AppError } from '../../shared/errors.ts';
import { renderToString } from 'preact-render-to-string';
import { LookupOptions } from '../components/fields.tsx';
import { type LookupKind, lookupKinds, suggest } from '../lookups.ts';

export function lookupRoutes(admin: Api, ctx: AppContext): void {
  admin.get('/lookup/:kind', async (req, reply) => {
    const { kind } = req.params as { kind: string };
    if (!(lookupKinds as readonly string[]).includes(kind)) throw new AppError('not-found', 'No such look-up.');
    const query = req.query as Record<string, unknown>;
    const field = typeof query.field === 'string' ? query.field : 'q';
    const raw = query[field] ?? query.q;
    const text = typeof raw === 'string' ? raw : '';
    const options = await suggest(ctx, kind as LookupKind, text);
    return reply
      .header('Content-Type', 'text/html; charset=utf-8')
      .header('Cache-Control', 'no-store')
      .send(renderToString(LookupOptions({ options })));
  });
}
