// The error of a bad configuration, in a module of its own so that the CLI can recognise it
// without loading the configuration's schema (zod) at start-up.
export class ConfigError extends Error {}
