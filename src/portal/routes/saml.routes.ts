// SAML 2.0 sign-in through the portal (docs/external-sign-in.md, "SAML"): the provider's SP metadata.
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';
import { samlMetadata } from '../../identity-providers/saml/saml.service.ts';

export function samlRoutes(pages: Api, ctx: AppContext): void {
  pages.get<{ Params: { id: string } }>('/auth/saml/:id/metadata', async (req, reply) => {
    const xml = await samlMetadata(ctx, req.params.id);
    return reply
      .code(200)
      .header('Content-Type', 'application/samlmetadata+xml; charset=utf-8')
      .header('Content-Disposition', 'inline; filename="sp-metadata.xml"')
      .send(xml);
  });
}
