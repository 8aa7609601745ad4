// The back office's words for accounts, in English and Danish (the Danish must have the English shape).
const en = {
  entity: 'Account',
  entityPlural: 'Accounts',
  views: { active: 'Active Accounts' },
  newTitle: 'New Account',
  fields: {
    name: 'Account Name',
    parentAccountId: 'Parent Account',
  },
  contactsOfAccount: 'Contacts',
};

const da: typeof en = {
  entity: 'Firma',
  entityPlural: 'Firmaer',
  views: { active: 'Aktive firmaer' },
  newTitle: 'Nyt firma',
  fields: {
    name: 'Firmanavn',
    parentAccountId: 'Overordnet firma',
  },
  contactsOfAccount: 'Kontaktpersoner',
};

export const accountsTexts = { en, da };
