// The back office's audit area (to be built).
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';

export function auditRoutes(_admin: Api, _ctx: AppContext): void {}
