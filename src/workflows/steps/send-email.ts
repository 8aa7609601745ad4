// The send-email step: one of the workflow's templates, in each recipient's language, to every
// contact the step acts on (their primary email address) or to the step's fixed `to` address.
import type { AppContext } from '../../context.ts';
import type { Contact } from '../../contacts/contacts.schema.ts';
import { queueEmail } from '../../email/email.service.ts';
import { renderEmail } from '../../email/templates.ts';
import type { Invitation } from '../../invitations/invitations.schema.ts';
import { emailLocale, type Locale, ownerOf, pickTemplate, senderOf, siteLocale } from '../workflow-emails.ts';
import * as repo from '../workflows.repo.ts';
import type { EmailTemplateRow, WorkflowRow } from '../workflows.repo.ts';
import { errorText, StepFailure, type StepDefinition, type StepOf, targetContacts } from './step.ts';

type SendEmail = StepOf<'send-email'>;

interface PlannedEmail {
  contactId: string | null;
  to: string;
  locale: Locale;
  templateId: string;
  from: string;
  subject: string;
  html: string;
  text: string;
}

/** The emails of the step, rendered; contacts without a primary email address are skipped. */
function planEmails(
  ctx: AppContext,
  step: SendEmail,
  e: {
    workflow: WorkflowRow;
    templates: readonly EmailTemplateRow[];
    preferred: EmailTemplateRow;
    site: Locale;
    invitation: Invitation | null;
    owner: Awaited<ReturnType<typeof ownerOf>>;
    contacts: readonly Contact[];
  },
): { planned: PlannedEmail[]; skipped: Array<Record<string, unknown>> } {
  const planned: PlannedEmail[] = [];
  const skipped: Array<Record<string, unknown>> = [];
  const render = (contact: Contact | null, to: string) => {
    const locale = emailLocale(e.invitation, contact, e.site);
    const template = pickTemplate(e.templates, locale, e.site, e.preferred) ?? e.preferred;
    let rendered: ReturnType<typeof renderEmail>;
    try {
      rendered = renderEmail(template, {
        contact,
        invitation: e.invitation,
        owner: e.owner,
        workflow: { id: e.workflow.id, key: e.workflow.key, name: e.workflow.name },
        locale,
      });
    } catch (err) {
      throw new StepFailure(
        `The template "${template.name}" (${template.locale}) could not be rendered: ${errorText(err)}`,
        false,
      );
    }
    planned.push({
      contactId: contact?.id ?? null,
      to,
      locale,
      templateId: template.id,
      from: senderOf(ctx, template, e.owner),
      ...rendered,
    });
  };
  if (step.to) render(e.contacts[0] ?? null, step.to);
  else
    for (const c of e.contacts) {
      if (c.emailaddress1) render(c, c.emailaddress1);
      else
        skipped.push({
          contactId: c.id,
          status: 'skipped',
          reason: 'The contact has no primary email address (emailaddress1).',
        });
    }
  return { planned, skipped };
}

export const sendEmailStep: StepDefinition<SendEmail> = {
  check(step, checks) {
    if (!checks.templateIds.has(step.templateId))
      checks.problem(
        'templateId',
        checks.workflowId
          ? 'no such email template of this workflow (create it with POST /email-templates first)'
          : 'no such email template of this workflow: create the workflow, then its templates, then add the step',
      );
  },

  async describe(step, { ctx, workflow, record, contacts, templates, site }) {
    const preferred = templates.find((t) => t.id === step.templateId);
    if (!preferred)
      return { wouldDo: `Would fail: the email template ${step.templateId} does not exist in this workflow.` };
    const invitation = record.entity === 'invitation' ? record.invitation : null;
    const owner = invitation ? await ownerOf(ctx.db, invitation.ownerId) : null;
    const { planned } = planEmails(ctx, step, { workflow, templates, preferred, site, invitation, owner, contacts });
    const emails = planned.map((p) => ({
      contactId: p.contactId,
      to: p.to,
      from: p.from,
      locale: p.locale,
      subject: p.subject,
    }));
    return {
      wouldDo:
        emails.length > 0
          ? `Would email "${preferred.name}" to ${emails.map((e) => `${e.to} (${e.locale})`).join(', ')}.`
          : 'Would send nothing: no recipient has an email address.',
      detail: { emails },
    };
  },

  async run(step, run) {
    const { ctx, workflow, record } = run;
    const preferred = await repo.findTemplate(ctx.db, step.templateId);
    if (!preferred || preferred.workflow_id !== workflow.id)
      throw new StepFailure(`The email template ${step.templateId} no longer exists in this workflow.`, false);
    const templates = await repo.templatesOf(ctx.db, workflow.id);
    const site = await siteLocale(ctx);
    const invitation = record.entity === 'invitation' ? record.invitation : null;
    const owner = invitation ? await ownerOf(ctx.db, invitation.ownerId) : null;
    const contacts = await targetContacts(ctx, record);
    const { planned, skipped } = planEmails(ctx, step, {
      workflow,
      templates,
      preferred,
      site,
      invitation,
      owner,
      contacts,
    });
    if (planned.length === 0) {
      await run.commit('skipped', {
        recipients: skipped,
        reason: 'No recipient with an email address; nothing was sent.',
      });
      return;
    }
    const recipients: Array<Record<string, unknown>> = [];
    await run.commit('succeeded', { recipients }, async (tx) => {
      recipients.length = 0;
      for (const p of planned) {
        const email = await queueEmail(tx, {
          toContactId: p.contactId,
          toAddress: p.to,
          fromAddress: p.from,
          subject: p.subject,
          html: p.html,
          text: p.text,
          regardingType: invitation ? 'invitation' : 'contact',
          regardingId: invitation ? invitation.id : p.contactId,
          workflowRunId: run.run.id,
          // Delivered by this worker right after the run, not behind every run queued meanwhile.
          followUpOf: run.control,
        });
        recipients.push({
          contactId: p.contactId,
          to: p.to,
          locale: p.locale,
          templateId: p.templateId,
          status: 'queued',
          emailId: email.id,
        });
      }
      recipients.push(...skipped);
    });
  },
};
