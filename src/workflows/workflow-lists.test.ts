// The workflows list sorted for the back office's view (by name or last change, both ways, page by
// page with the keyset cursor) and the run history newest first; the API's lists keep creation order.
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { newId } from '../shared/ids.ts';
import { listRuns, listWorkflows } from './workflows.service.ts';

const t = useTestApp();

describe('listWorkflows with sort', () => {
  it('sorts by name in pages that continue where the last ended', async () => {
    const tag = newId().slice(-6);
    for (const name of ['Cedar', 'Alder', 'Birch', 'Dogwood'])
      expect(
        (await t.api('POST', 'workflows', { body: { name: `${name} ${tag}`, primaryEntity: 'contact' } })).statusCode,
      ).toBe(201);
    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listWorkflows(t.ctx, {
        limit: 2,
        cursor,
        sort: { key: 'name', dir: 'asc' },
        primaryEntity: 'contact',
      });
      names.push(...page.items.map((w) => w.name).filter((n) => n.endsWith(tag)));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(names).toEqual([`Alder ${tag}`, `Birch ${tag}`, `Cedar ${tag}`, `Dogwood ${tag}`]);
    const desc = await listWorkflows(t.ctx, { limit: 500, sort: { key: 'name', dir: 'desc' } });
    const mine = desc.items.map((w) => w.name).filter((n) => n.endsWith(tag));
    expect(mine).toEqual([`Dogwood ${tag}`, `Cedar ${tag}`, `Birch ${tag}`, `Alder ${tag}`]);
    const api = (await t.api('GET', 'workflows?limit=500')).json().items.map((w: { name: string }) => w.name);
    expect(api.filter((n: string) => n.endsWith(tag))).toEqual([
      `Cedar ${tag}`,
      `Alder ${tag}`,
      `Birch ${tag}`,
      `Dogwood ${tag}`,
    ]);
  });
});

describe('listRuns newest first', () => {
  it('pages the run history from the newest run back', async () => {
    const wf = (
      await t.api('POST', 'workflows', {
        body: { name: `Runs ${newId()}`, primaryEntity: 'contact', steps: [{ type: 'stop' }] },
      })
    ).json();
    expect((await t.api('POST', `workflows/${wf.id}/activate`)).statusCode).toBe(200);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const c = (
        await t.api('POST', 'contacts', {
          body: { firstName: 'R', lastName: String(i), emailaddress1: `r.${newId()}@example.com` },
        })
      ).json();
      ids.push((await t.api('POST', `workflows/${wf.id}/run`, { body: { targetIds: [c.id] } })).json().items[0].id);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listRuns(t.ctx, { limit: 2, cursor, workflowId: wf.id, newestFirst: true });
      seen.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    expect((await listRuns(t.ctx, { limit: 10, workflowId: wf.id })).items.map((r) => r.id)).toEqual(ids);
  });
});
