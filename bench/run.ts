// `npm run bench`: every benchmark, each printing ratios against a baseline measured in the same run.
// Pick some with arguments: `npm run bench -- bulk`.
import { stopCluster } from './lib.ts';
import { runAdminViewsBench } from './admin-views.ts';
import { runBulkCreateBench } from './invitations-bulk.ts';
import { runRedemptionBench } from './redemption.ts';
import { runSendInvitationsBench } from './send-invitations.ts';
import { runEventsBench } from './events.ts';
import { runImportBench } from './import.ts';
import { runRemindersBench } from './reminders.ts';

const benches: Record<string, () => Promise<unknown>> = {
  bulk: runBulkCreateBench,
  redeem: runRedemptionBench,
  send: runSendInvitationsBench,
  views: runAdminViewsBench,
  events: runEventsBench,
  import: runImportBench,
  reminders: runRemindersBench,
};

const chosen = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = chosen.length > 0 ? chosen : Object.keys(benches);
try {
  console.log(`# Portal Invitations benchmarks (${new Date().toISOString()}, Node ${process.version})`);
  for (const name of names) {
    const bench = benches[name];
    if (!bench) throw new Error(`Unknown benchmark "${name}"; known: ${Object.keys(benches).join(', ')}`);
    await bench();
  }
} finally {
  stopCluster();
}
