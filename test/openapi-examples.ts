// One valid and one invalid request per operation of the OpenAPI documents, keyed by operationId
// (test/openapi-contract.test.ts sends both and checks the answers against the document). A new
// operation adds its entry here, or the contract test fails naming it.
import type { TestApp } from './helpers/app.ts';
import { type fixtures, MISSING, PASSWORD } from './openapi-fixtures.ts';

export { fixtures, MISSING, PASSWORD, portalSession } from './openapi-fixtures.ts';

export interface ExampleRequest {
  /** Path parameters by name (`{ id }`, `{ name }`). */
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  /** Whose token (staff API): admin (default), staff or none. */
  as?: 'admin' | 'staff' | 'none';
  /** Portal API: leave the X-CSRF-Token header out. */
  csrf?: false;
  /** Portal API: sign in first as the contact with this email (password PASSWORD). */
  signIn?: string;
  /** The body's content type when it is not JSON (then `body` is sent as the string it is). */
  contentType?: string;
}
export interface Example {
  valid: ExampleRequest;
  invalid: ExampleRequest;
  /** The status the valid request gets, where a success needs state the fixtures do not make (default: 2xx). */
  validStatus?: number;
}
type Fixtures = Awaited<ReturnType<typeof fixtures>>;
type Make = (x: Fixtures, t: TestApp) => Promise<Example> | Example;

const id = (value: string) => ({ params: { id: value } });
const unknownField = { nonsense: 1 };

export const examples: Record<string, Make> = {
  listUsers: () => ({ valid: { query: { limit: '2' } }, invalid: { query: { limit: '501' } } }),
  createUser: () => ({
    valid: { body: { email: `u.${Date.now()}@example.com`, fullName: 'New User' } },
    invalid: { body: { email: 'not an email', fullName: 'X' } },
  }),
  getUser: (_x, t) => ({ valid: id(t.staffId), invalid: id(MISSING) }),
  updateUser: (_x, t) => ({
    valid: { ...id(t.staffId), body: { fullName: 'Sam Staff' } },
    invalid: { ...id(t.staffId), body: unknownField },
  }),
  deleteUser: async (x) => {
    const u = await x.post('users', { email: `gone.${Date.now()}@example.com`, fullName: 'Gone' });
    return { valid: id(u.id), invalid: { ...id(u.id), as: 'staff' } };
  },
  listTokens: () => ({ valid: {}, invalid: { as: 'none' } }),
  createToken: (_x, t) => ({
    valid: { body: { name: 'contract', userId: t.staffId } },
    invalid: { body: { name: '' } },
  }),
  revokeToken: async (x, t) => {
    const token = await x.post('tokens', { name: 'revoke me', userId: t.staffId });
    return { valid: id(token.id), invalid: id(MISSING) };
  },
  listAccounts: () => ({ valid: {}, invalid: { query: { cursor: 'garbage' } } }),
  createAccount: () => ({ valid: { body: { name: 'Contract account' } }, invalid: { body: { name: '' } } }),
  getAccount: (x) => ({ valid: id(x.account.id), invalid: id('not-a-uuid') }),
  updateAccount: (x) => ({
    valid: { ...id(x.account.id), body: { name: 'Renamed' } },
    invalid: { ...id(x.account.id), body: unknownField },
  }),
  deleteAccount: async (x) => ({ valid: id((await x.f.account()).id), invalid: id(x.account.id) }),
  listContacts: () => ({ valid: { query: { q: 'Cora' } }, invalid: { query: { limit: '0' } } }),
  createContact: () => ({
    valid: { body: { firstName: 'New', lastName: 'Contact' } },
    invalid: { body: { emailaddress1: 'nope' } },
  }),
  getContact: (x) => ({ valid: id(x.contact.id), invalid: id(MISSING) }),
  updateContact: (x) => ({
    valid: { ...id(x.contact.id), body: { lastName: 'Tracted' } },
    invalid: { ...id(x.contact.id), body: unknownField },
  }),
  deleteContact: async (x) => ({ valid: id((await x.f.contact()).id), invalid: id(x.contact.id) }),
  setContactPassword: (x) => ({
    valid: { ...id(x.signer.id), body: { password: PASSWORD } },
    invalid: { ...id(x.signer.id), body: { password: 'short' } },
  }),
  listWebRoles: () => ({ valid: {}, invalid: { query: { limit: 'many' } } }),
  createWebRole: () => ({ valid: { body: { name: `Role ${Date.now()}` } }, invalid: { body: { name: '' } } }),
  getWebRole: (x) => ({ valid: id(x.role.id), invalid: id(MISSING) }),
  updateWebRole: (x) => ({
    valid: { ...id(x.role.id), body: { description: 'Described' } },
    invalid: { ...id(x.role.id), body: unknownField },
  }),
  deleteWebRole: async (x) => ({ valid: id((await x.f.webRole()).id), invalid: id(MISSING) }),
  listSiteSettings: () => ({ valid: {}, invalid: { as: 'none' } }),
  getSiteSetting: () => ({
    valid: { params: { name: 'Authentication/Registration/Enabled' } },
    invalid: { params: { name: 'No/Such/Setting' } },
  }),
  putSiteSetting: () => ({
    valid: { params: { name: 'Authentication/Registration/Enabled' }, body: { value: 'true' } },
    invalid: { params: { name: 'Authentication/Registration/Enabled' }, body: { value: 'maybe' } },
  }),
  listEmails: () => ({ valid: {}, invalid: { query: { regardingId: 'x' } } }),
  getEmail: (x) => ({ valid: id(x.email?.id ?? MISSING), invalid: id(MISSING) }),
  resendEmail: (x) => ({ valid: id(x.email?.id ?? MISSING), invalid: id(MISSING) }),
  listInvitations: () => ({ valid: { query: { status: 'new' } }, invalid: { query: { status: 'lost' } } }),
  createInvitation: (x) => ({
    valid: { body: { name: 'Contract', invitedContactIds: [x.contact.id] } },
    invalid: { body: { name: 'X', type: 'triple' } },
  }),
  bulkCreateInvitations: (x) => ({
    valid: { body: { contactIds: [x.contact.id] } },
    invalid: { body: { contactIds: [MISSING] } },
  }),
  createInvitationForContact: (x) => ({ valid: { ...id(x.contact.id), body: {} }, invalid: id(MISSING) }),
  getInvitation: (x) => ({ valid: id(x.invitation.id), invalid: id(MISSING) }),
  updateInvitation: (x) => ({
    valid: { ...id(x.invitation.id), body: { name: 'Renamed' } },
    invalid: { ...id(x.invitation.id), body: { type: 'group' } },
  }),
  deleteInvitation: async (x) => ({
    valid: id((await x.f.invitation({ invitedContactIds: [x.contact.id] })).id),
    invalid: id(MISSING),
  }),
  deactivateInvitation: (x) => ({ valid: id(x.group.id), invalid: id(MISSING) }),
  activateInvitation: (x) => ({ valid: id(x.group.id), invalid: id(x.invitation.id) }),
  revealInvitationLink: (x) => ({ valid: id(x.invitation.id), invalid: { ...id(x.invitation.id), as: 'staff' } }),
  listInvitationRedemptions: (x) => ({ valid: id(x.group.id), invalid: id(MISSING) }),
  listContentPages: () => ({ valid: {}, invalid: { query: { limit: '-1' } } }),
  createContentPage: () => ({
    valid: { body: { slug: `p${Date.now()}`, title: 'P', body: 'B' } },
    invalid: { body: { slug: 'contract', title: 'Again', body: 'B' } },
  }),
  getContentPage: (x) => ({ valid: id(x.page.id), invalid: id(MISSING) }),
  updateContentPage: (x) => ({
    valid: { ...id(x.page.id), body: { title: 'Retitled' } },
    invalid: { ...id(x.page.id), body: unknownField },
  }),
  deleteContentPage: async (x) => ({
    valid: id((await x.post('content-pages', { slug: `d${Date.now()}`, title: 'D', body: 'D' })).id),
    invalid: id(MISSING),
  }),
  listWorkflows: () => ({ valid: {}, invalid: { query: { limit: '1000' } } }),
  createWorkflow: () => ({
    valid: { body: { name: 'New flow', primaryEntity: 'invitation', steps: [{ type: 'send-invitation' }] } },
    invalid: { body: { name: 'Bad', primaryEntity: 'contact', steps: [{ type: 'teleport' }] } },
  }),
  getWorkflow: (x) => ({ valid: id(x.workflow.id), invalid: id(MISSING) }),
  updateWorkflow: (x) => ({
    valid: { ...id(x.workflow.id), body: { description: 'Described' } },
    invalid: { ...id(x.active.id), body: { description: 'Refused' } },
  }),
  deleteWorkflow: async (x) => ({
    valid: id((await x.post('workflows', { name: 'Drop', primaryEntity: 'contact' })).id),
    invalid: id(x.active.id),
  }),
  activateWorkflow: async (x) => ({
    valid: id((await x.post('workflows', { name: 'On', primaryEntity: 'contact' })).id),
    invalid: id(MISSING),
  }),
  deactivateWorkflow: async (x) => {
    const w = await x.post('workflows', { name: 'Off', primaryEntity: 'contact' });
    await x.post(`workflows/${w.id}/activate`, {});
    return { valid: id(w.id), invalid: id(MISSING) };
  },
  rotateWorkflowSecret: (x) => ({ valid: id(x.workflow.id), invalid: id(MISSING) }),
  runWorkflow: (x) => ({
    valid: { ...id(x.active.id), body: { targetIds: [x.contact.id] } },
    invalid: { ...id(x.workflow.id), body: { targetIds: [x.contact.id] } },
  }),
  dryRunWorkflow: (x) => ({
    valid: { ...id(x.active.id), body: { targetId: x.contact.id } },
    invalid: { ...id(x.active.id), body: {} },
  }),
  listWorkflowRuns: (x) => ({ valid: { query: { workflowId: x.active.id } }, invalid: { query: { status: 'lost' } } }),
  getWorkflowRun: (x) => ({ valid: id(x.run.id), invalid: id(MISSING) }),
  // Only a failed run can be retried; the fixtures' run did not fail.
  retryWorkflowRun: (x) => ({ valid: id(x.run.id), invalid: id(MISSING), validStatus: 409 }),
  listEmailTemplates: (x) => ({
    valid: { query: { workflowId: x.workflow.id } },
    invalid: { query: { workflowId: 'x' } },
  }),
  createEmailTemplate: (x) => ({
    valid: {
      body: { workflowId: x.workflow.id, name: 'Other', subject: 'S', html: '<p>H</p>', text: 'T', locale: 'en' },
    },
    invalid: {
      body: { workflowId: x.workflow.id, name: 'Broken', subject: '{% if %}', html: 'H', text: 'T', locale: 'en' },
    },
  }),
  getEmailTemplate: (x) => ({ valid: id(x.template.id), invalid: id(MISSING) }),
  updateEmailTemplate: (x) => ({
    valid: { ...id(x.template.id), body: { subject: 'New' } },
    invalid: { ...id(x.template.id), body: unknownField },
  }),
  resendInvitations: (x) => ({
    valid: { body: { ids: [x.invitation.id] } },
    invalid: { body: { status: 'lost' } },
  }),
  resendInvitation: (x) => ({ valid: { ...id(x.invitation.id), body: {} }, invalid: id(MISSING) }),
  getInvitationCardSvg: (x) => ({ valid: id(x.invitation.id), invalid: { ...id(x.invitation.id), as: 'staff' } }),
  getInvitationCardPng: (x) => ({ valid: id(x.invitation.id), invalid: { ...id(x.invitation.id), as: 'staff' } }),
  importContacts: () => ({
    valid: {
      contentType: 'text/csv',
      body: 'firstname,lastname,emailaddress1\nImp,Orted,imported.contract@example.com\n',
    },
    invalid: { body: { firstname: 'Not CSV' } },
  }),
  listIdentityProviders: () => ({ valid: {}, invalid: { query: { limit: '0' } } }),
  createIdentityProvider: () => ({
    valid: { body: { type: 'oidc', name: 'Other ID', issuer: 'https://login.example.com', clientId: 'other' } },
    invalid: { body: { type: 'oidc', name: 'Plain', issuer: 'http://login.example.com', clientId: 'x' } },
  }),
  getIdentityProvider: (x) => ({ valid: id(x.provider.id), invalid: id(MISSING) }),
  updateIdentityProvider: (x) => ({
    valid: { ...id(x.provider.id), body: { name: 'Contract ID renamed' } },
    invalid: { ...id(x.provider.id), body: unknownField },
  }),
  deleteIdentityProvider: async (x) => ({
    valid: id(
      (
        await x.post('identity-providers', {
          type: 'oidc',
          name: 'Gone ID',
          issuer: 'https://login.example.com',
          clientId: 'g',
        })
      ).id,
    ),
    invalid: id(MISSING),
  }),
  listWebhookEndpoints: () => ({ valid: {}, invalid: { query: { limit: '0' } } }),
  createWebhookEndpoint: () => ({
    valid: { body: { url: 'https://hooks.example.com/y', events: ['invitation.created'] } },
    invalid: { body: { url: 'https://hooks.example.com/z', events: [] } },
  }),
  getWebhookEndpoint: (x) => ({ valid: id(x.hook.id), invalid: id(MISSING) }),
  updateWebhookEndpoint: (x) => ({
    valid: { ...id(x.hook.id), body: { enabled: true } },
    invalid: { ...id(x.hook.id), body: unknownField },
  }),
  deleteWebhookEndpoint: async (x) => ({
    valid: id((await x.post('webhook-endpoints', { url: 'https://hooks.example.com/gone', events: ['*'] })).id),
    invalid: id(MISSING),
  }),
  rotateWebhookEndpointSecret: (x) => ({ valid: id(x.hook.id), invalid: id(MISSING) }),
  listWebhookDeliveries: (x) => ({
    valid: { query: { endpointId: x.hook.id } },
    invalid: { query: { endpointId: 'x' } },
  }),
  getWebhookDelivery: (x) => ({ valid: id(x.delivery?.id ?? MISSING), invalid: id(MISSING) }),
  redeliverWebhook: (x) => ({ valid: id(x.delivery?.id ?? MISSING), invalid: id(MISSING) }),
  previewEmailTemplate: (x) => ({
    valid: { ...id(x.template.id), body: { contactId: x.contact.id } },
    invalid: { ...id(x.template.id), body: {} },
  }),

  // The portal JSON API (the test brings the session cookie and its CSRF token).
  getMe: () => ({ valid: {}, invalid: { query: { x: '\u0001' } } }),
  signUp: () => ({
    valid: { body: { email: `new.${Date.now()}@example.com`, password: PASSWORD } },
    invalid: { body: { email: 'nope', password: PASSWORD } },
  }),
  signIn: (x) => ({
    valid: { body: { email: x.signer.emailaddress1, password: PASSWORD } },
    invalid: { body: { email: x.signer.emailaddress1, password: 'Wrong-password-1' } },
  }),
  signOut: () => ({ valid: {}, invalid: { csrf: false } }),
  previewInvitation: (x) => ({ valid: { query: { code: x.group.code } }, invalid: { query: { code: 'NOSUCHCODE' } } }),
  redeemInvitation: (x) => ({ valid: { body: { code: x.group.code } }, invalid: { body: { code: 'NOSUCHCODE' } } }),
  listMyInvitations: (x) => ({
    valid: { signIn: x.inviter.emailaddress1 },
    invalid: { signIn: x.inviter.emailaddress1, query: { limit: '0' } },
  }),
  inviteColleague: (x) => ({
    valid: { signIn: x.inviter.emailaddress1, body: { email: `col.${Date.now()}@example.com`, webRoleIds: [] } },
    invalid: { signIn: x.inviter.emailaddress1, body: { email: 'nope', webRoleIds: [] } },
  }),
  resendMyInvitation: (x) => ({
    valid: { signIn: x.inviter.emailaddress1, ...id(x.mine.id) },
    invalid: { signIn: x.inviter.emailaddress1, ...id(MISSING) },
  }),
  deactivateMyInvitation: (x) => ({
    valid: { signIn: x.inviter.emailaddress1, ...id(x.mineToDeactivate.id) },
    invalid: { signIn: x.inviter.emailaddress1, ...id(MISSING) },
  }),
  declineInvitation: (x) => ({ valid: { body: { code: x.single.code } }, invalid: { body: { code: 'NOSUCHCODE' } } }),
};
