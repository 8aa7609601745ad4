// The back office's words for API tokens, in English and Danish (the Danish must have the English shape).
const en = {
  entity: 'API token',
  entityPlural: 'API tokens',
  views: { all: 'All API tokens', mine: 'My API tokens' },
  newTitle: 'New API token',
  fields: {
    name: 'Name',
    userId: 'User',
    createdAt: 'Created On',
    lastUsedAt: 'Last Used',
  },
  userHint: 'The system user the token acts as; empty is you.',
  neverUsed: 'Never',
  createdTitle: 'Your new API token',
  token: 'Token',
  shownOnce: 'Copy the token now: it will not be shown again. Only a keyed hash of it is kept.',
  usage: 'Send it as the header Authorization: Bearer <token> to /api/v1.',
  done: 'Done',
  revoke: 'Revoke',
  confirmRevoke: 'Revoke this token? Every program that uses it stops working at once. This cannot be undone.',
};

const da: typeof en = {
  entity: 'API-token',
  entityPlural: 'API-tokens',
  views: { all: 'Alle API-tokens', mine: 'Mine API-tokens' },
  newTitle: 'Nyt API-token',
  fields: {
    name: 'Navn',
    userId: 'Bruger',
    createdAt: 'Oprettet',
    lastUsedAt: 'Sidst brugt',
  },
  userHint: 'Den systembruger, tokenet handler som; tomt er dig selv.',
  neverUsed: 'Aldrig',
  createdTitle: 'Dit nye API-token',
  token: 'Token',
  shownOnce: 'Kopiér tokenet nu: det vises ikke igen. Der gemmes kun en nøglet hash af det.',
  usage: 'Send det som headeren Authorization: Bearer <token> til /api/v1.',
  done: 'Færdig',
  revoke: 'Tilbagekald',
  confirmRevoke:
    'Tilbagekald dette token? Alle programmer, der bruger det, holder op med at virke med det samme. Det kan ikke fortrydes.',
};

export const tokensTexts = { en, da };
