// Times are ISO 8601 UTC strings everywhere (API, both databases): they compare correctly as text.
export const nowIso = (): string => new Date().toISOString();
export const isoPlus = (ms: number, from: Date = new Date()): string => new Date(from.getTime() + ms).toISOString();
