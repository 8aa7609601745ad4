// The site settings the product knows: Power Pages' names where it has them, their defaults
// and the values each accepts. Values are strings, as in the model.
import { scheduleProblem } from '../invitations/reminder-schedule.ts';

export type SettingKind =
  | 'boolean'
  | 'integer'
  | 'timespan'
  | 'locale'
  | 'choice'
  | 'time-zone'
  | 'text'
  | 'user-id'
  | 'duration-list';

export interface SettingDefinition {
  name: string;
  kind: SettingKind;
  default: string;
  description: string;
  /** Integers: the smallest and largest value. Time spans: the shortest and longest, in seconds. Text: its length. */
  min?: number;
  max?: number;
  /** Text: `email` accepts an email address or nothing. */
  format?: 'email';
  /** Choices: the values it accepts. */
  choices?: readonly string[];
}

const DAY_SECONDS = 86_400;

export const settingDefinitions = [
  {
    name: 'Authentication/Registration/Enabled',
    kind: 'boolean',
    default: 'true',
    description: 'Master switch for all sign-up.',
  },
  {
    name: 'Authentication/Registration/OpenRegistrationEnabled',
    kind: 'boolean',
    default: 'false',
    description: 'Sign-up without an invitation.',
  },
  {
    name: 'Authentication/Registration/InvitationEnabled',
    kind: 'boolean',
    default: 'true',
    description: 'The redeem page and sign-up with an invitation code.',
  },
  {
    name: 'Authentication/Registration/LocalLoginEnabled',
    kind: 'boolean',
    default: 'true',
    description: 'Sign-in and sign-up with email or username and password.',
  },
  {
    name: 'Authentication/Registration/ExternalLoginEnabled',
    kind: 'boolean',
    default: 'true',
    description: 'Sign-in with external identity providers.',
  },
  {
    name: 'Authentication/Registration/RequiresConfirmation',
    kind: 'boolean',
    default: 'true',
    description: 'Email confirmation before sign-in.',
  },
  {
    name: 'Authentication/Registration/RequireUniqueEmail',
    kind: 'boolean',
    default: 'true',
    description: 'No two portal identities share an email address.',
  },
  {
    name: 'Authentication/Registration/RequiresInvitation',
    kind: 'boolean',
    default: 'false',
    description: 'Power Pages\' name: "true" turns open registration off (sign-up needs an invitation).',
  },
  {
    name: 'Authentication/UserManager/MaxFailedAccessAttemptsBeforeLockout',
    kind: 'integer',
    default: '5',
    description: 'Failed sign-ins before the account locks.',
    min: 1,
    max: 1_000,
  },
  {
    name: 'Authentication/UserManager/DefaultAccountLockoutTimeSpan',
    kind: 'timespan',
    default: '00:05:00',
    description: 'How long a lockout lasts (hh:mm:ss).',
    min: 1,
    max: 365 * DAY_SECONDS,
  },
  {
    name: 'Authentication/RateLimit/InvitationCodes/Count',
    kind: 'integer',
    default: '20',
    description: 'Unknown invitation codes one client may try per window.',
    min: 1,
    max: 1_000_000,
  },
  {
    name: 'Authentication/RateLimit/InvitationCodes/WindowSeconds',
    kind: 'integer',
    default: '600',
    description: 'Window of the invitation code limit, in seconds.',
    min: 1,
    max: 30 * DAY_SECONDS,
  },
  {
    name: 'Authentication/RateLimit/SignUp/Count',
    kind: 'integer',
    default: '100',
    description: 'Sign-ups one client may make per window.',
    min: 1,
    max: 1_000_000,
  },
  {
    name: 'Authentication/RateLimit/SignUp/WindowSeconds',
    kind: 'integer',
    default: '3600',
    description: 'Window of the sign-up limit, in seconds.',
    min: 1,
    max: 30 * DAY_SECONDS,
  },
  {
    name: 'Authentication/RateLimit/SignIn/Count',
    kind: 'integer',
    default: '100',
    description: 'Sign-in attempts one client may make per window.',
    min: 1,
    max: 1_000_000,
  },
  {
    name: 'Authentication/RateLimit/SignIn/WindowSeconds',
    kind: 'integer',
    default: '3600',
    description: 'Window of the sign-in limit, in seconds.',
    min: 1,
    max: 30 * DAY_SECONDS,
  },
  {
    name: 'Email/RetryUnknownOutcome',
    kind: 'boolean',
    default: 'false',
    description:
      'Send an email again by itself when the mail server may or may not have taken it (a connection broken after the message was handed over). Off: such an email is marked unknown and staff resend it.',
  },
  {
    name: 'Invitations/DefaultBinding',
    kind: 'choice',
    default: 'any',
    choices: ['any', 'invited-email'],
    description:
      'Binding of a new invitation that names none: "any" (whoever holds the code redeems it) or "invited-email" (only a verified email of an invited contact). Not "email-domain": that binding needs each invitation\'s own allowedDomains, so as a default it would make every invitation created without them invalid.',
  },
  {
    name: 'Webhooks/AllowPrivateNetworks',
    kind: 'boolean',
    default: 'false',
    description: 'Allow webhooks to loopback and private addresses.',
  },
  {
    name: 'Site/DefaultLocale',
    kind: 'locale',
    default: 'en',
    description: 'Language of the portal and emails when nothing else decides it.',
  },
  {
    name: 'Site/TimeZone',
    kind: 'time-zone',
    default: 'UTC',
    description: 'IANA time zone (e.g. Europe/Copenhagen) in which the back office shows times.',
  },
  {
    name: 'Invitations/Portal/OwnerUserId',
    kind: 'user-id',
    default: '',
    description:
      'The system user who owns and sends the invitations partners make on the portal ("Invite a colleague"). Empty, or the id of no user: the feature is off.',
  },
  {
    name: 'Invitations/Portal/MaxExpiryDays',
    kind: 'integer',
    default: '14',
    description: 'The latest expiry a portal invitation may have, in days from its creation (also its default expiry).',
    min: 1,
    max: 365,
  },
  {
    name: 'Invitations/Portal/DailyLimit',
    kind: 'integer',
    default: '20',
    description: 'Invitations one contact may make on the portal in 24 hours.',
    min: 1,
    max: 1_000,
  },
  {
    name: 'Invitations/Portal/AccountDailyLimit',
    kind: 'integer',
    default: '100',
    description: 'Invitations all contacts of one account together may make on the portal in 24 hours.',
    min: 1,
    max: 100_000,
  },
  {
    name: 'Site/Name',
    kind: 'text',
    default: 'Customer portal',
    description:
      'The portal\'s name in its pages and emails. The default is shown translated ("Kundeportal" in Danish); a name you set is shown as written.',
    min: 1,
    max: 100,
  },
  {
    name: 'Site/ContactEmail',
    kind: 'text',
    format: 'email',
    default: '',
    description:
      "Where invitees can ask (an email address), named on the portal's error pages and in emails. Empty: the invitation's owner, else its inviter.",
  },
  {
    name: 'Invitations/ReminderSchedule',
    kind: 'duration-list',
    default: '',
    description:
      'Reminder emails of a sent invitation: ISO 8601 durations before its expiry, comma-separated (P3D,P1D; down to minutes, PT1M); a leading + counts from sending instead (+P7D, for invitations without expiry). Empty: none. An invitation may have its own (reminderSchedule).',
  },
] as const satisfies readonly SettingDefinition[];

/** A setting the product reads: a misspelt name does not compile. */
export type SettingName = (typeof settingDefinitions)[number]['name'];

/** By name; the API also stores names the product does not know, hence string keys. */
export const definitionByName: ReadonlyMap<string, SettingDefinition> = new Map(
  settingDefinitions.map((d) => [d.name, d]),
);

/** Why `value` is not acceptable for `kind`, or undefined when it is. */
/** Why `value` is not a value of the setting `def` (a setting the product does not know is text), or undefined. */
export function valueProblem(def: SettingDefinition | undefined, value: string): string | undefined {
  const kind = def?.kind ?? 'text';
  const within = (n: number, unit = '') => {
    if (def?.min !== undefined && n < def.min) return `must be at least ${def.min}${unit}`;
    if (def?.max !== undefined && n > def.max) return `must be at most ${def.max}${unit}`;
    return undefined;
  };
  switch (kind) {
    case 'boolean':
      return value === 'true' || value === 'false' ? undefined : 'must be "true" or "false"';
    case 'integer':
      return /^\d{1,9}$/.test(value) ? within(Number(value)) : 'must be a whole number';
    case 'timespan': {
      const m = TIMESPAN.exec(value);
      if (!m || Number(m[2]) > 23 || Number(m[3]) > 59 || Number(m[4]) > 59)
        return 'must be a time span like 00:05:00 ([d.]hh:mm:ss)';
      return within(timespanMs(value) / 1000, ' seconds');
    }
    case 'locale':
      return value === 'da' || value === 'en' ? undefined : 'must be "da" or "en"';
    case 'time-zone':
      return isTimeZone(value) ? undefined : 'must be an IANA time zone such as Europe/Copenhagen or UTC';
    case 'user-id':
      return value === '' || UUID.test(value) ? undefined : 'must be empty or the id of a system user';
    case 'choice': {
      const choices = def?.choices ?? [];
      return choices.includes(value) ? undefined : `must be one of ${choices.map((c) => `"${c}"`).join(', ')}`;
    }
    case 'duration-list':
      return scheduleProblem(value);
    default:
      if (def?.format === 'email')
        return value === '' || (value.length <= 320 && /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/.test(value))
          ? undefined
          : 'must be an email address (or empty)';
      if (def?.min !== undefined && value.trim().length < def.min) return `must be at least ${def.min} character(s)`;
      if (value.length > (def?.max ?? 4000)) return `must be at most ${def?.max ?? 4000} characters`;
      return undefined;
  }
}

/** An IANA time-zone name this runtime knows. */
function isTimeZone(value: string): boolean {
  if (!value || value.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const TIMESPAN = /^(?:(\d{1,6})\.)?(\d{1,2}):(\d{2}):(\d{2})$/;

/** Parses a Power Pages time span ("[d.]hh:mm:ss") into milliseconds. */
export function timespanMs(value: string): number {
  const m = TIMESPAN.exec(value);
  if (!m) return 0;
  return (((Number(m[1] ?? 0) * 24 + Number(m[2])) * 60 + Number(m[3])) * 60 + Number(m[4])) * 1000;
}
