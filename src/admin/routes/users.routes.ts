// The back office's users area (to be built).
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';

export function userRoutes(_admin: Api, _ctx: AppContext): void {}
