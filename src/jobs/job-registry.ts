// Every job type of the service with its handler, listed here and nowhere else: the server's
// worker, the CLI worker, tests and the bench take their handlers from this one list, and no
// module registers anything by being imported. A new job: its handler in its feature, a line here.
import type { AppContext } from '../context.ts';
import { deliverEmailHandler } from '../email/delivery.ts';
import { DELIVER_EMAIL_JOB } from '../email/email.service.ts';
import type { MailTransport } from '../email/transport.ts';
import { type EngineOptions, recordEmailOutcome, runWorkflowHandler } from '../workflows/workflow-engine.ts';
import { RUN_WORKFLOW_JOB } from '../workflows/workflow-runs.queue.ts';
import type { JobHandlers } from './jobs.ts';
import { deliverWebhookHandler, type WebhookDeliveryOptions } from '../lifecycle-events/webhook-delivery.ts';
import { DELIVER_WEBHOOK_JOB } from '../lifecycle-events/lifecycle-events.ts';

/** `workflows`: the engine's options (tests shorten the webhook time-out). */
/** `events`: webhook delivery options (tests shorten the retry schedule). */
export function jobHandlers(
  ctx: AppContext,
  transport: MailTransport,
  workflows: EngineOptions = {},
  events: WebhookDeliveryOptions = {},
): JobHandlers {
  return {
    // An email of a workflow run that fails for good shows in its run.
    [DELIVER_EMAIL_JOB]: deliverEmailHandler(ctx, transport, { onSettled: (email) => recordEmailOutcome(ctx, email) }),
    [RUN_WORKFLOW_JOB]: runWorkflowHandler(ctx, workflows),
    [DELIVER_WEBHOOK_JOB]: deliverWebhookHandler(ctx, events),
  };
}
