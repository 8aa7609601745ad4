// The back office's web-roles area (to be built).
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';

export function webRoleRoutes(_admin: Api, _ctx: AppContext): void {}
