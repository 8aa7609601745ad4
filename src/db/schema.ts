// Table types for Kysely. Conventions (same on SQLite and PostgreSQL): ids are UUID text,
// times are ISO 8601 UTC text, switches are integers 0/1, JSON is text.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface SystemUsersTable {
  id: string;
  email: string;
  full_name: string;
  role: 'admin' | 'staff';
  password_hash: string | null;
  access_failed_count: Generated<number>;
  lockout_end: string | null;
  created_at: string;
  updated_at: string;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface AccountsTable {
  id: string;
  name: string;
  parent_account_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface ContactsTable {
  id: string;
  first_name: string | null;
  last_name: string | null;
  emailaddress1: string | null;
  emailaddress2: string | null;
  emailaddress3: string | null;
  parent_account_id: string | null;
  locale: string | null;
  username: string | null;
  password_hash: string | null;
  email_confirmed: Generated<number>;
  login_enabled: Generated<number>;
  lockout_end: string | null;
  access_failed_count: Generated<number>;
  security_stamp: string | null;
  last_sign_in_at: string | null;
  created_at: string;
  updated_at: string;
  /** Why emailaddress1 is not sent to (a hard bounce, migration 0013); null when deliverable. */
  emailaddress1_undeliverable: Generated<string | null>;
}

export interface WebRolesTable {
  id: string;
  name: string;
  description: string | null;
  authenticated_users_role: number;
  /** Holders may invite colleagues from the portal (migration 0016). */
  can_invite: Generated<number>;
  created_at: string;
  updated_at: string;
}

/** The roles a role's holders may hand on when they invite a colleague (migration 0016). */
export interface WebRoleGrantableRolesTable {
  web_role_id: string;
  grantable_web_role_id: string;
}

export interface ContactWebRolesTable {
  contact_id: string;
  web_role_id: string;
}

export interface InvitationsTable {
  id: string;
  name: string;
  type: 'single' | 'group';
  owner_id: string | null;
  code_hash: string;
  code_encrypted: string | null;
  expires_at: string | null;
  inviter_contact_id: string | null;
  assign_to_account_id: string | null;
  redeem_workflow_id: string | null;
  max_redemptions: number | null;
  redemption_count: number;
  status: 'new' | 'sent' | 'redeemed' | 'expired' | 'inactive' | 'declined';
  status_before_inactive: string | null;
  binding: 'any' | 'invited-email' | 'email-domain';
  allowed_domains: string | null;
  locale: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
  /** The one identity provider the invitee must redeem through (null = any method). Migration 0014. */
  sign_in_provider_id: string | null;
  /** null: the site's Invitations/ReminderSchedule; '': none (migration 0012). */
  reminder_schedule: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Reminders planned for an invitation (migration 0012). */
export interface InvitationRemindersTable {
  id: string;
  invitation_id: string;
  due_at: string;
  status: 'pending' | 'sent' | 'skipped';
  sent_at: string | null;
  created_at: string;
}

export interface InvitationInvitedContactsTable {
  invitation_id: string;
  contact_id: string;
}

export interface InvitationWebRolesTable {
  invitation_id: string;
  web_role_id: string;
}

export interface RedemptionsTable {
  id: string;
  invitation_id: string;
  contact_id: string;
  redeemed_at: string;
  ip_address: string | null;
  user_agent: string | null;
  sign_in_method: string | null;
}

export interface WorkflowsTable {
  id: string;
  key: string | null;
  name: string;
  description: string | null;
  primary_entity: 'invitation' | 'contact';
  state: 'draft' | 'activated';
  steps: string;
  webhook_secret_encrypted: string | null;
  created_at: string;
  updated_at: string;
}

export interface EmailTemplatesTable {
  id: string;
  workflow_id: string;
  name: string;
  locale: string;
  subject: string;
  html: string;
  text: string;
  from_address: string | null;
  created_at: string;
  updated_at: string;
}

export interface EmailsTable {
  id: string;
  to_contact_id: string | null;
  to_address: string;
  from_address: string;
  subject: string;
  status: 'pending' | 'sending' | 'sent' | 'failed' | 'unknown' | 'bounced';
  attempts: number;
  message_id: string;
  provider_message_id: string | null;
  last_error: string | null;
  regarding_type: string | null;
  regarding_id: string | null;
  workflow_run_id: string | null;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
  /** The email's secrets, encrypted, until it is sent (see email/email-secrets.ts). */
  sealed_secrets: string | null;
}

/** An email's bodies: written once when it is queued, apart from its changing delivery state. */
export interface EmailBodiesTable {
  email_id: string;
  html: string;
  text: string;
}

export interface JobsTable {
  id: string;
  type: string;
  payload: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  run_at: string;
  attempts: number;
  max_attempts: number;
  locked_by: string | null;
  locked_until: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface WorkflowRunsTable {
  id: string;
  workflow_id: string;
  target_id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  trigger: string;
  steps: string;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface SiteSettingsTable {
  name: string;
  value: string;
  updated_at: string;
}

export interface SessionsTable {
  id_hash: string;
  contact_id: string | null;
  data: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
}

/** Back-office sessions of system users (the portal's are `sessions`). */
export interface StaffSessionsTable {
  id_hash: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
}

export interface IdentityProvidersTable {
  id: string;
  type: 'oidc' | 'saml';
  name: string;
  config: string;
  secret_encrypted: string | null;
  enabled: number;
  allow_registration: number;
  created_at: string;
  updated_at: string;
}

export interface ExternalLoginsTable {
  id: string;
  contact_id: string;
  provider_id: string;
  subject: string;
  email: string | null;
  created_at: string;
}

/** A sign-in at an identity provider under way (migration 0014): single use, short-lived. */
export interface PendingExternalSignInsTable {
  id: string;
  provider_id: string;
  session_hash: string;
  state_hash: string;
  intent: 'sign-in' | 'sign-up' | 'redeem' | 'link';
  contact_id: string | null;
  secrets_encrypted: string;
  return_path: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** SAML assertions accepted (each once, until its validity ends) and their hand-off to the session. */
export interface SamlAssertionsTable {
  provider_id: string;
  assertion_id: string;
  /** The AuthnRequest it answered (the pending sign-in's). */
  request_id: string;
  /** JSON: the verified identity until the same-site continuation takes it, then null. */
  identity: string | null;
  expires_at: string;
  created_at: string;
}

export interface ContactTokensTable {
  id: string;
  contact_id: string;
  purpose: 'confirm-email' | 'reset-password';
  token_hash: string;
  /** JSON: what completes when the link is used (a pending identity, a pending redemption). */
  data: string | null;
  expires_at: string;
  used_at: string | null;
  created_at: string;
}

export interface ContentPagesTable {
  id: string;
  slug: string;
  title: string;
  body: string;
  created_at: string;
  updated_at: string;
}

export interface ContentPageWebRolesTable {
  content_page_id: string;
  web_role_id: string;
}

export interface RateLimitsTable {
  key: string;
  window_start: string;
  count: number;
}

export interface AuditLogTable {
  id: string;
  actor_type: 'user' | 'contact' | 'system';
  actor_id: string | null;
  action: string;
  record_type: string;
  record_id: string | null;
  details: string | null;
  created_at: string;
}

export interface Database {
  system_users: SystemUsersTable;
  api_tokens: ApiTokensTable;
  staff_sessions: StaffSessionsTable;
  accounts: AccountsTable;
  contacts: ContactsTable;
  web_roles: WebRolesTable;
  contact_web_roles: ContactWebRolesTable;
  web_role_grantable_roles: WebRoleGrantableRolesTable;
  invitations: InvitationsTable;
  invitation_invited_contacts: InvitationInvitedContactsTable;
  invitation_web_roles: InvitationWebRolesTable;
  redemptions: RedemptionsTable;
  workflows: WorkflowsTable;
  email_templates: EmailTemplatesTable;
  emails: EmailsTable;
  email_bodies: EmailBodiesTable;
  jobs: JobsTable;
  workflow_runs: WorkflowRunsTable;
  site_settings: SiteSettingsTable;
  sessions: SessionsTable;
  identity_providers: IdentityProvidersTable;
  external_logins: ExternalLoginsTable;
  pending_external_sign_ins: PendingExternalSignInsTable;
  contact_tokens: ContactTokensTable;
  content_pages: ContentPagesTable;
  content_page_web_roles: ContentPageWebRolesTable;
  rate_limits: RateLimitsTable;
  saml_assertions: SamlAssertionsTable;
  audit_log: AuditLogTable;
  webhook_endpoints: WebhookEndpointsTable;
  lifecycle_events: LifecycleEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_delivery_attempts: WebhookDeliveryAttemptsTable;
  invitation_reminders: InvitationRemindersTable;
}

export type SystemUserRow = Selectable<SystemUsersTable>;
export type ApiTokenRow = Selectable<ApiTokensTable>;
export type AccountRow = Selectable<AccountsTable>;
export type ContactRow = Selectable<ContactsTable>;
export type NewContact = Insertable<ContactsTable>;
export type ContactUpdate = Updateable<ContactsTable>;
export type WebRoleRow = Selectable<WebRolesTable>;
export type InvitationRow = Selectable<InvitationsTable>;
export type AuditRow = Selectable<AuditLogTable>;

/** Lifecycle event subscribers (migration 0013); `events` is a JSON array of names or ["*"]. */
export interface WebhookEndpointsTable {
  id: string;
  url: string;
  events: string;
  enabled: number;
  secret_sealed: string;
  created_at: string;
  updated_at: string;
}

export interface LifecycleEventsTable {
  id: string;
  type: string;
  data: string;
  created_at: string;
}

export interface WebhookDeliveriesTable {
  id: string;
  endpoint_id: string;
  event_id: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface WebhookDeliveryAttemptsTable {
  id: string;
  delivery_id: string;
  attempted_at: string;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
}
