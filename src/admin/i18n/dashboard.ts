// The back office's words for the dashboard, in English and Danish (the Danish must have the English shape).
const pct = (r: number | null) => (r === null ? '—' : `${Math.round(r * 100)} %`);

const en = {
  title: 'Dashboard',
  funnelTitle: 'Invitation funnel, last 12 weeks',
  funnelLead:
    'Per week (Monday to Sunday, UTC): invitations created, sent, redeemed for the first time, and expired without any redemption.',
  chartDesc: (created: number, sent: number, redeemed: number, expired: number) =>
    `Bar chart per week. In total ${created} created, ${sent} sent, ${redeemed} redeemed and ${expired} expired. The same numbers are in the table below.`,
  tableCaption: 'Invitation funnel per week',
  week: 'Week of',
  created: 'Created',
  sent: 'Sent',
  redeemed: 'Redeemed',
  expired: 'Expired',
  sentRate: 'Sent / created',
  redeemedRate: 'Redeemed / sent',
  total: 'Total',
  pct,
  failedEmails: 'Latest failed emails',
  failedRuns: 'Latest failed workflow runs',
  noFailedEmails: 'No failed emails.',
  noFailedRuns: 'No failed workflow runs.',
  allFailedEmails: 'All failed emails',
  allFailedRuns: 'All failed runs',
  run: 'Workflow run',
  error: 'Error',
  when: 'When',
};

const da: typeof en = {
  title: 'Dashboard',
  funnelTitle: 'Invitationstragt, seneste 12 uger',
  funnelLead:
    'Pr. uge (mandag til søndag, UTC): invitationer oprettet, sendt, indløst første gang og udløbet uden nogen indløsning.',
  chartDesc: (created: number, sent: number, redeemed: number, expired: number) =>
    `Søjlediagram pr. uge. I alt ${created} oprettet, ${sent} sendt, ${redeemed} indløst og ${expired} udløbet. De samme tal står i tabellen nedenfor.`,
  tableCaption: 'Invitationstragt pr. uge',
  week: 'Uge fra',
  created: 'Oprettet',
  sent: 'Sendt',
  redeemed: 'Indløst',
  expired: 'Udløbet',
  sentRate: 'Sendt / oprettet',
  redeemedRate: 'Indløst / sendt',
  total: 'I alt',
  pct,
  failedEmails: 'Seneste mislykkede e-mails',
  failedRuns: 'Seneste mislykkede kørsler af arbejdsprocesser',
  noFailedEmails: 'Ingen mislykkede e-mails.',
  noFailedRuns: 'Ingen mislykkede kørsler.',
  allFailedEmails: 'Alle mislykkede e-mails',
  allFailedRuns: 'Alle mislykkede kørsler',
  run: 'Kørsel af arbejdsproces',
  error: 'Fejl',
  when: 'Tidspunkt',
};

export const dashboardTexts = { en, da };
