// The back office's settings area (to be built).
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';

export function settingsRoutes(_admin: Api, _ctx: AppContext): void {}
