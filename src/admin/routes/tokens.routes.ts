// The back office's tokens area (to be built).
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';

export function tokenRoutes(_admin: Api, _ctx: AppContext): void {}
