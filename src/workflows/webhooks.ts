// Workflow webhook steps and lifecycle event deliveries share one implementation of signed calls and
// the private-network rule: src/shared/outbound-webhooks.ts. Re-exported here for the workflow code.
export * from '../shared/outbound-webhooks.ts';
