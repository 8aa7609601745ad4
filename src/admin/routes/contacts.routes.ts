// The back office's contacts area (to be built).
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';

export function contactRoutes(_admin: Api, _ctx: AppContext): void {}
