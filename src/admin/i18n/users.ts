// The back office's words for system users, in English and Danish (the Danish must have the English shape).
const en = {
  entity: 'User',
  entityPlural: 'Users',
  views: { all: 'All Users' },
  newTitle: 'New User',
  fields: {
    fullName: 'Full Name',
    email: 'Primary Email',
    role: 'Security Role',
    password: 'Password',
  },
  passwordNewHint:
    'At least 10 characters, with a letter and a digit or symbol. Leave empty for a user who only uses API tokens.',
  passwordEditHint: 'Leave empty to keep the current password.',
  newPassword: 'New password',
  emailFilter: 'Email',
  signIn: 'Back-office sign-in',
  status: 'Status',
  lockedOut: 'Locked out',
  lockedUntil: (when: string) => `Locked out until ${when}`,
  notLocked: 'Not locked',
  failedSignIns: 'Failed sign-ins',
  unlock: 'Unlock',
  you: 'you',
};

const da: typeof en = {
  entity: 'Bruger',
  entityPlural: 'Brugere',
  views: { all: 'Alle brugere' },
  newTitle: 'Ny bruger',
  fields: {
    fullName: 'Fulde navn',
    email: 'Primær e-mail',
    role: 'Sikkerhedsrolle',
    password: 'Adgangskode',
  },
  passwordNewHint:
    'Mindst 10 tegn med et bogstav og et tal eller symbol. Lad feltet stå tomt for en bruger, der kun bruger API-tokens.',
  passwordEditHint: 'Lad feltet stå tomt for at beholde den nuværende adgangskode.',
  newPassword: 'Ny adgangskode',
  emailFilter: 'E-mail',
  signIn: 'Logon på backoffice',
  status: 'Status',
  lockedOut: 'Låst',
  lockedUntil: (when: string) => `Låst indtil ${when}`,
  notLocked: 'Ikke låst',
  failedSignIns: 'Mislykkede logonforsøg',
  unlock: 'Lås op',
  you: 'dig',
};

export const usersTexts = { en, da };
