// The list of migrations, in order. Forward only: add a new file, never edit a shipped one.
import type { Migration } from 'kysely';
import * as m0001 from './0001_data_model.ts';
import * as m0002 from './0002_send_invitation_workflow.ts';
import * as m0003 from './0003_email_bodies.ts';
import * as m0004 from './0004_email_statuses.ts';
import * as m0005 from './0005_email_sealed_secrets.ts';
import * as m0006 from './0006_staff_sessions.ts';
import * as m0007 from './0007_contact_view_indexes.ts';
import * as m0008 from './0008_invitation_view_indexes.ts';
import * as m0009 from './0009_dashboard_audit_indexes.ts';
import * as m0010 from './0010_quick_find_indexes.ts';
import * as m0011 from './0011_account_view_indexes.ts';
import * as m0012 from './0012_invitation_lifecycle.ts';
import * as m0013 from './0013_webhook_endpoints.ts';
import * as m0014 from './0014_external_sign_in.ts';
import * as m0015 from './0015_saml_assertions.ts';
import * as m0016 from './0016_partner_invitations.ts';
import * as m0017 from './0017_invitation_templates_site_name.ts';
import * as m0018 from './0018_job_claim_by_type.ts';
import * as m0019 from './0019_partial_username_index.ts';

export const migrations: Record<string, Migration> = {
  '0001_data_model': m0001,
  '0002_send_invitation_workflow': m0002,
  '0003_email_bodies': m0003,
  '0004_email_statuses': m0004,
  '0005_email_sealed_secrets': m0005,
  '0006_staff_sessions': m0006,
  '0007_contact_view_indexes': m0007,
  '0008_invitation_view_indexes': m0008,
  '0009_dashboard_audit_indexes': m0009,
  '0010_quick_find_indexes': m0010,
  '0011_account_view_indexes': m0011,
  '0012_invitation_lifecycle': m0012,
  '0013_webhook_endpoints': m0013,
  '0014_external_sign_in': m0014,
  '0015_saml_assertions': m0015,
  '0016_partner_invitations': m0016,
  '0017_invitation_templates_site_name': m0017,
  '0018_job_claim_by_type': m0018,
  '0019_partial_username_index': m0019,
};
