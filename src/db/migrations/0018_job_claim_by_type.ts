// Jobs by (status, type, run_at): the general claim leaves the batch types out (webhook deliveries),
// and through (status, run_at) alone it walked every due delivery queued ahead of the first other
// job. With this index it seeks each queued type's earliest due jobs instead (jobs.repo.ts
// claimDueJobs), the batch claim reads its own type alone, and the queued types are found one seek
// each. src/jobs/claim-plan.test.ts shows the plans on both databases.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: a migration sees the database as it was then, not as today's types say
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('jobs_due_by_type').on('jobs').columns(['status', 'type', 'run_at']).execute();
}

export async function down(): Promise<void> {
  // Forward only.
}
