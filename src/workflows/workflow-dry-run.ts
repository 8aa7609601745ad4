// The dry run: what each step of a workflow would do for one record, now, changing nothing (no
// email, no webhook call, no write). Works on drafts too, so a definition can be tried before it is
// activated. Conditions are evaluated on the record as it is now; steps before them that would
// change it are not applied, which the answer says where it matters.
import type { AppContext } from '../context.ts';
import { notFound, validationFailed } from '../shared/errors.ts';
import { renderEmail } from '../email/templates.ts';
import type { Contact } from '../contacts/contacts.schema.ts';
import type { Invitation } from '../invitations/invitations.schema.ts';
import { settingFlag } from '../site-settings/site-settings.service.ts';
import { evaluateCondition } from './workflow-engine.ts';
import type { DryRunResult, Step } from './workflows.schema.ts';
import * as repo from './workflows.repo.ts';
import {
  contactOrNull,
  emailLocale,
  invitationEmailContext,
  InvitationNotSendable,
  invitationOrNull,
  ownerOf,
  pickTemplate,
  planInvitationEmails,
  refusalOf,
  senderOf,
  siteLocale,
} from './workflow-emails.ts';

type Planned = DryRunResult['steps'][number];

export async function dryRun(ctx: AppContext, workflowId: string, targetId: string): Promise<DryRunResult> {
  const workflow = await repo.findWorkflow(ctx.db, workflowId);
  if (!workflow) throw notFound('The workflow');
  let contact: Contact | null = null;
  let invitation: Invitation | null = null;
  if (workflow.primary_entity === 'contact') {
    contact = await contactOrNull(ctx, targetId);
    if (!contact) throw validationFailed('targetId', 'no such contact');
  } else {
    invitation = await invitationOrNull(ctx, targetId);
    if (!invitation) throw validationFailed('targetId', 'no such invitation');
  }
  const record = (contact ?? invitation) as Record<string, unknown>;
  const contacts: Contact[] = contact ? [contact] : [];
  if (invitation)
    for (const id of invitation.invitedContactIds) {
      const c = await contactOrNull(ctx, id);
      if (c) contacts.push(c);
    }
  const who =
    contacts.length === 0
      ? 'no contact (the invitation invites none)'
      : contacts.map((c) => `${c.fullName || c.id}`).join(', ');
  const templates = await repo.templatesOf(ctx.db, workflow.id);
  const site = await siteLocale(ctx);
  const out: Planned[] = [];

  const walk = async (steps: readonly Step[], prefix: string): Promise<'stop' | 'continue'> => {
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i] as Step;
      const path = `${prefix}.${i}`;
      const add = (wouldDo: string, detail: unknown = null) => out.push({ path, type: step.type, wouldDo, detail });
      switch (step.type) {
        case 'send-invitation': {
          if (!invitation) {
            add('Would fail: send-invitation runs on invitations only.');
            break;
          }
          const refusal = refusalOf(invitation);
          if (refusal) {
            add(`Would refuse to send: ${refusal}`);
            break;
          }
          try {
            const plan = await planInvitationEmails(
              ctx,
              templates,
              await invitationEmailContext(ctx, invitation, 'stand-in'),
            );
            const to = plan.emails.map((m) => `${m.to} (${m.locale})`);
            add(
              plan.emails.length > 0
                ? `Would email the invitation to ${to.join(', ')} and set it to sent.`
                : 'Would send nothing: no invited contact has a primary email address.',
              {
                emails: plan.emails.map((m) => ({
                  contactId: m.contactId,
                  to: m.to,
                  from: m.from,
                  locale: m.locale,
                  subject: m.rendered.subject,
                })),
                skipped: plan.skipped,
              },
            );
          } catch (err) {
            if (err instanceof InvitationNotSendable) add(`Would refuse to send: ${err.message}`);
            else throw err;
          }
          break;
        }
        case 'send-email': {
          const preferred = templates.find((t) => t.id === step.templateId);
          if (!preferred) {
            add(`Would fail: the email template ${step.templateId} does not exist in this workflow.`);
            break;
          }
          const owner = invitation ? await ownerOf(ctx.db, invitation.ownerId) : null;
          const recipients = step.to
            ? [{ contact: contacts[0] ?? null, to: step.to }]
            : contacts.filter((c) => c.emailaddress1).map((c) => ({ contact: c, to: c.emailaddress1 as string }));
          const emails = recipients.map(({ contact: c, to }) => {
            const locale = emailLocale(invitation, c, site);
            const template = pickTemplate(templates, locale, site, preferred) ?? preferred;
            const rendered = renderEmail(template, {
              contact: c,
              invitation,
              owner,
              workflow: { id: workflow.id, key: workflow.key, name: workflow.name },
              locale,
            });
            return {
              contactId: c?.id ?? null,
              to,
              from: senderOf(ctx, template, owner),
              locale,
              subject: rendered.subject,
            };
          });
          add(
            emails.length > 0
              ? `Would email "${preferred.name}" to ${emails.map((e) => `${e.to} (${e.locale})`).join(', ')}.`
              : 'Would send nothing: no recipient has an email address.',
            { emails },
          );
          break;
        }
        case 'update-contact':
          add(`Would set ${Object.keys(step.fields).join(', ')} on ${who}.`, {
            fields: step.fields,
            contactIds: contacts.map((c) => c.id),
          });
          break;
        case 'add-web-role':
        case 'remove-web-role': {
          const role = await ctx.db
            .selectFrom('web_roles')
            .select(['name'])
            .where('id', '=', step.webRoleId)
            .executeTakeFirst();
          const name = role ? `"${role.name}"` : `${step.webRoleId} (which no longer exists: the step would fail)`;
          add(
            step.type === 'add-web-role'
              ? `Would give ${who} the web role ${name}.`
              : `Would take the web role ${name} from ${who}.`,
            { webRoleId: step.webRoleId, contactIds: contacts.map((c) => c.id) },
          );
          break;
        }
        case 'set-account':
          add(
            step.accountId
              ? `Would set the parent account of ${who} to ${step.accountId}.`
              : `Would clear the parent account of ${who}.`,
            { accountId: step.accountId },
          );
          break;
        case 'create-invitation':
          add(`Would create a single invitation for ${who}${step.send ? ' and send it with Send Invitation' : ''}.`, {
            invitation: step.invitation,
            send: step.send ?? false,
          });
          break;
        case 'webhook': {
          const allowPrivate = await settingFlag(ctx, 'Webhooks/AllowPrivateNetworks');
          add(`Would POST the signed event "${step.event}" to ${step.url}.`, {
            url: step.url,
            event: step.event,
            allowPrivateNetworks: allowPrivate,
          });
          break;
        }
        case 'condition': {
          const actual = record[step.field];
          const result = evaluateCondition(actual, step.operator, step.value);
          const branch = result ? 'then' : 'else';
          add(
            `The condition ${step.field} ${step.operator}${step.value !== undefined ? ` ${JSON.stringify(step.value)}` : ''} is ${result} now (${JSON.stringify(actual ?? null)}): would run the ${branch} steps.`,
            {
              field: step.field,
              actual: actual ?? null,
              result,
              branch,
            },
          );
          if ((await walk(step[branch], `${path}.${branch}`)) === 'stop') return 'stop';
          break;
        }
        case 'stop':
          add('Would stop the run here (successfully).');
          return 'stop';
      }
    }
    return 'continue';
  };
  await walk(JSON.parse(workflow.steps) as Step[], 'steps');
  return { workflowId, targetId, steps: out };
}
