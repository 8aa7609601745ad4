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
    canInvite: 'Can invite colleagues',
    grantableWebRoleIds: 'Roles they may grant',
  },
  authenticatedUsersRoleHint: 'Every signed-in contact has this role.',
  invitingSection: 'Inviting colleagues',
  canInviteHint:
    'Contacts with this role see "Invite a colleague" on the portal and may invite people into their own company.',
  grantableHint: 'Type a role name to add it. An inviter may hand on only those of these roles they hold themselves.',
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
    canInvite: 'Kan invitere kolleger',
    grantableWebRoleIds: 'Roller, de må give videre',
  },
  authenticatedUsersRoleHint: 'Alle kontaktpersoner, der er logget på, har denne rolle.',
  invitingSection: 'Invitation af kolleger',
  canInviteHint:
    'Kontaktpersoner med denne rolle ser »Inviter en kollega« på portalen og må invitere folk i deres egen virksomhed.',
  grantableHint:
    'Skriv et rollenavn for at tilføje det. En inviterende må kun give de af rollerne videre, som vedkommende selv har.',
  nameTaken: 'En anden webrolle har dette navn.',
};

export const webRolesTexts = { en, da };
