// The back office's dictionary: the common words and one section per area (i18n/<area>.ts), in
// English and Danish. Problem texts (one per error code and refusal reason) are the portal's, so
// each code is translated once; a missing one does not compile there.
import type { Locale } from '../../shared/locale.ts';
import { dictionary as portalDictionary } from '../../portal/i18n.ts';
import { accountsTexts } from './accounts.ts';
import { auditTexts } from './audit.ts';
import { commonTexts } from './common.ts';
import { contactsTexts } from './contacts.ts';
import { dashboardTexts } from './dashboard.ts';
import { emailsTexts } from './emails.ts';
import { invitationsTexts } from './invitations.ts';
import { settingsTexts } from './settings.ts';
import { tokensTexts } from './tokens.ts';
import { usersTexts } from './users.ts';
import { webRolesTexts } from './web-roles.ts';
import { webhooksTexts } from './webhooks.ts';
import { workflowsTexts } from './workflows.ts';
import { identityProvidersTexts } from './identity-providers.ts';
import { importExportTexts } from './import-export.ts';

function build(locale: Locale) {
  const portal = portalDictionary(locale);
  return {
    ...commonTexts[locale],
    errors: portal.errors,
    reasons: portal.reasons,
    contacts: contactsTexts[locale],
    accounts: accountsTexts[locale],
    webRoles: webRolesTexts[locale],
    invitations: invitationsTexts[locale],
    workflows: workflowsTexts[locale],
    emails: emailsTexts[locale],
    dashboard: dashboardTexts[locale],
    settings: settingsTexts[locale],
    users: usersTexts[locale],
    tokens: tokensTexts[locale],
    audit: auditTexts[locale],
    identityProviders: identityProvidersTexts[locale],
    webhooks: webhooksTexts[locale],
    importExport: importExportTexts[locale],
  };
}

export type AdminDict = ReturnType<typeof build>;

const dictionaries: Record<Locale, AdminDict> = { en: build('en'), da: build('da') };

export const adminDictionary = (locale: Locale): AdminDict => dictionaries[locale];

export type AdminNoticeKey = keyof AdminDict['notices'];
export const adminNoticeKeys = Object.keys(commonTexts.en.notices) as AdminNoticeKey[];
