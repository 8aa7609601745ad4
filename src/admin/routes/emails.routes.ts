// The back office's emails area (to be built).
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';

export function emailRoutes(_admin: Api, _ctx: AppContext): void {}
