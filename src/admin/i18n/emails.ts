// The back office's words for Sent mail (the email activities), in English and Danish (the Danish
// must have the English shape). Field names are the Dynamics 365 email activity's.
const en = {
  entity: 'Email',
  entityPlural: 'Sent mail',
  views: { all: 'All Emails' },
  fields: {
    status: 'Status Reason',
    to: 'To',
    from: 'From',
    subject: 'Subject',
    attempts: 'Attempts',
    lastError: 'Last Error',
    regarding: 'Regarding',
    messageId: 'Message-ID',
    createdOn: 'Created On',
    sentOn: 'Date Sent',
  },
  statuses: {
    pending: 'Pending Send',
    sending: 'Sending',
    sent: 'Sent',
    failed: 'Failed',
    unknown: 'Outcome Unknown',
    bounced: 'Bounced',
  } as Record<string, string>,
  regardingTypes: { invitation: 'Invitation', contact: 'Contact' } as Record<string, string>,
  filterStatus: 'Status Reason',
  htmlPart: 'Message (HTML)',
  htmlFrameTitle: 'The message as sent, shown without scripts or outside content',
  textPart: 'Message (plain text)',
  secretsMasked: 'Secrets in this message (the invitation code, links with a token) are masked as ••••.',
  resend: 'Resend',
  resendTitle: 'Resend email',
  resendQuestion:
    'Send this email again, with the same Message-ID? A receiving server that already took it may drop the repeat.',
  resendOnlyFor: 'Only an email whose delivery failed, bounced or has an unknown outcome can be sent again.',
};

const da: typeof en = {
  entity: 'E-mail',
  entityPlural: 'Sendt post',
  views: { all: 'Alle e-mails' },
  fields: {
    status: 'Statusårsag',
    to: 'Til',
    from: 'Fra',
    subject: 'Emne',
    attempts: 'Forsøg',
    lastError: 'Seneste fejl',
    regarding: 'Angående',
    messageId: 'Meddelelses-id',
    createdOn: 'Oprettet',
    sentOn: 'Dato for afsendelse',
  },
  statuses: {
    pending: 'Afventer afsendelse',
    sending: 'Sendes',
    sent: 'Sendt',
    failed: 'Mislykkedes',
    unknown: 'Ukendt udfald',
    bounced: 'Returneret',
  },
  regardingTypes: { invitation: 'Invitation', contact: 'Kontaktperson' },
  filterStatus: 'Statusårsag',
  htmlPart: 'Meddelelse (HTML)',
  htmlFrameTitle: 'Meddelelsen som sendt, vist uden scripts og indhold udefra',
  textPart: 'Meddelelse (ren tekst)',
  secretsMasked: 'Hemmeligheder i meddelelsen (invitationskoden, links med en token) er skjult som ••••.',
  resend: 'Send igen',
  resendTitle: 'Send e-mail igen',
  resendQuestion:
    'Send denne e-mail igen med samme meddelelses-id? En modtagende server, der allerede har den, kan se bort fra gentagelsen.',
  resendOnlyFor: 'Kun en e-mail, hvis levering mislykkedes, blev returneret eller har ukendt udfald, kan sendes igen.',
};

export const emailsTexts = { en, da };
