// Lifecycle events and their delivery (issue #18): webhook endpoints with their sealed secret, the
// events that had a subscriber, one delivery per (event, endpoint) and each attempt of it; and the
// reason a contact's emailaddress1 is undeliverable (a hard bounce), cleared when staff change it.
import { sql, type Kysely } from 'kysely';

const id = 'varchar(36)';
const time = 'varchar(32)';

// biome-ignore lint/suspicious/noExplicitAny: a migration sees the database as it was then, not as today's types say
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('webhook_endpoints')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('url', 'varchar(2000)', (c) => c.notNull())
    .addColumn('events', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();
  // recordLifecycleEvent reads the enabled endpoints inside every change (redemption included).
  await db.schema.createIndex('webhook_endpoints_enabled').on('webhook_endpoints').columns(['enabled', 'id']).execute();

  await db.schema
    .createTable('lifecycle_events')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('type', 'varchar(50)', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('endpoint_id', id, (c) => c.notNull().references('webhook_endpoints.id').onDelete('cascade'))
    .addColumn('event_id', id, (c) => c.notNull().references('lifecycle_events.id').onDelete('cascade'))
    .addColumn('status', 'varchar(10)', (c) => c.notNull().check(sql`status in ('pending', 'succeeded', 'failed')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('next_attempt_at', time)
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_endpoint')
    .on('webhook_deliveries')
    .columns(['endpoint_id', 'id'])
    .execute();
  await db.schema.createIndex('webhook_deliveries_event').on('webhook_deliveries').column('event_id').execute();

  await db.schema
    .createTable('webhook_delivery_attempts')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('delivery_id', id, (c) => c.notNull().references('webhook_deliveries.id').onDelete('cascade'))
    .addColumn('attempted_at', time, (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('latency_ms', 'integer', (c) => c.notNull())
    .addColumn('error', 'text')
    .execute();
  await db.schema
    .createIndex('webhook_delivery_attempts_delivery')
    .on('webhook_delivery_attempts')
    .columns(['delivery_id', 'id'])
    .execute();

  await db.schema.alterTable('contacts').addColumn('emailaddress1_undeliverable', 'text').execute();
}

export async function down(): Promise<void> {
  // Forward only.
}
