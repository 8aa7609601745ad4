// The back office's words for its web-roles area, in English and Danish (the Danish must have the English shape).
const en = {
  entity: 'Web Role',
  entityPlural: 'Web Roles',
  views: { active: 'Active Web Roles' },
  newTitle: 'New Web Role',
  fields: {
    name: 'Name',
    description: 'Description',
    authenticatedUsersRole: 'Authenticated Users Role',
  },
  authenticatedUsersRoleHint: 'Every signed-in contact has this role.',
  nameTaken: 'Another web role has this name.',
};

const da: typeof en = {
  entity: 'Webrolle',
  entityPlural: 'Webroller',
  views: { active: 'Aktive webroller' },
  newTitle: 'Ny webrolle',
  fields: {
    name: 'Navn',
    description: 'Beskrivelse',
    authenticatedUsersRole: 'Rolle for godkendte brugere',
  },
  authenticatedUsersRoleHint: 'Alle kontaktpersoner, der er logget på, har denne rolle.',
  nameTaken: 'En anden webrolle har dette navn.',
};

export const webRolesTexts = { en, da };
