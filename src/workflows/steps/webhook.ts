// The webhook step: a signed event to a URL (see ../webhooks.ts). A call to the outside world, so
// it is logged right after its 2xx; a crash in between repeats it with the same `webhook-id`.
import { settingFlag } from '../../site-settings/site-settings.service.ts';
import { nowIso } from '../../shared/time.ts';
import { sendWebhook, WebhookError } from '../webhooks.ts';
import { recordData, StepFailure, type StepDefinition, type StepOf } from './step.ts';

export const webhookStep: StepDefinition<StepOf<'webhook'>> = {
  async describe(step, { ctx }) {
    const allowPrivate = await settingFlag(ctx, 'Webhooks/AllowPrivateNetworks');
    return {
      wouldDo: `Would POST the signed event "${step.event}" to ${step.url}.`,
      detail: { url: step.url, event: step.event, allowPrivateNetworks: allowPrivate },
    };
  },

  async run(step, run) {
    await run.markRunning();
    const { ctx, workflow, record } = run;
    if (!workflow.webhook_secret_encrypted)
      throw new StepFailure(
        'The workflow has no webhook secret; create one with POST /workflows/{id}/rotate-secret.',
        false,
      );
    const secret = ctx.secrets.decrypt('webhook-secret', workflow.webhook_secret_encrypted);
    const messageId = `msg_${run.run.id}_${run.path}`;
    const payload = {
      type: step.event,
      timestamp: nowIso(),
      data: {
        workflow: { id: workflow.id, key: workflow.key, name: workflow.name },
        run: { id: run.run.id, trigger: run.run.trigger },
        [record.entity]: recordData(record),
      },
    };
    let result: Awaited<ReturnType<typeof sendWebhook>>;
    try {
      result = await sendWebhook({
        url: step.url,
        secret,
        messageId,
        payload,
        allowPrivateNetworks: await settingFlag(ctx, 'Webhooks/AllowPrivateNetworks'),
        timeoutMs: run.webhookTimeoutMs,
      });
    } catch (err) {
      if (err instanceof WebhookError) throw new StepFailure(err.message, err.temporary);
      throw err;
    }
    await run.commit('succeeded', {
      url: step.url,
      event: step.event,
      webhookId: messageId,
      status: result.status,
      durationMs: result.durationMs,
    });
  },
};
