// The back office's workflows area (to be built).
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';

export function workflowRoutes(_admin: Api, _ctx: AppContext): void {}
