// The back office's invitations area (to be built).
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';

export function invitationRoutes(_admin: Api, _ctx: AppContext): void {}
