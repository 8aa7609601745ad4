// The back office's words for moving records in and out (Import from CSV, Export to Power Pages), in
// English and Danish (the Danish must have the English shape). The import service explains a bad row
// in English; `rowMessage` says the known explanations in Danish and leaves any other as it is.
const problem = (title: string, body: string) => ({ title, body });

const en = {
  commands: { importCsv: 'Import from CSV', exportPowerPages: 'Export to Power Pages' },
  import: {
    title: 'Import contacts',
    lead: 'Upload a CSV file of contacts. Contacts are matched by Email (emailaddress1) in any letter case: a new email creates a contact, a known one updates it, and an empty cell leaves the field as it is.',
    columnsHint:
      'Columns: firstName, lastName, emailaddress1 (or email), emailaddress2, emailaddress3, account (a name or an id; a missing account is created), locale (da or en), webRoles (names separated by , ; or |); Dataverse’s names (firstname, lastname, parentcustomerid) too. UTF-8 with or without BOM, comma or semicolon, at most 100 MiB.',
    file: 'CSV file',
    next: 'Next',
    previewTitle: 'Review the mapping',
    fileName: 'File',
    size: 'Size',
    encoding: 'Encoding',
    delimiter: 'Delimiter',
    encodings: { 'utf-8': 'UTF-8', 'utf-8-bom': 'UTF-8 with BOM' },
    delimiters: { ',': 'Comma (,)', ';': 'Semicolon (;)' },
    mappingTitle: 'Column mapping',
    column: 'Column in the file',
    field: 'Field',
    ignored: 'Ignored',
    sampleTitle: 'First rows of the file',
    sampleCaption: (n: number) => (n === 1 ? 'The first row' : `The first ${n} rows`),
    noRows: 'The file has no data rows.',
    runTitle: 'Import',
    continueOnError: 'Continue on error',
    continueHint: 'Import the good rows and skip the bad ones. Without it, a file with any bad row imports nothing.',
    dryRun: 'Dry run',
    import: 'Import',
    dryRunHint: 'A dry run checks every row and counts what would change. It changes nothing.',
    uploadAnother: 'Upload another file',
    reportTitle: 'Import report',
    dryRunReportTitle: 'Dry run report',
    dryRunNote: 'Dry run: nothing was changed. The counts say what an import would do.',
    allGood: 'Every row went through.',
    allGoodDry: 'Every row can be imported.',
    problemsFound: 'Some rows have problems: see the list below.',
    nothingImported:
      'Nothing was imported, because some rows have problems. Correct them and upload the file again, or import with Continue on error.',
    someSkipped: 'The good rows were imported; the rows with problems were skipped.',
    fileUnreadable: 'The file could not be read to its end, so nothing was imported.',
    counts: {
      rows: 'Rows',
      created: 'Created',
      updated: 'Updated',
      unchanged: 'Unchanged',
      skipped: 'Skipped',
      accountsCreated: 'Accounts created',
    },
    errorsTitle: 'Rows with problems',
    row: 'Row',
    message: 'Problem',
    wholeFile: 'The file',
    moreErrors: (shown: number, total: number) => `The first ${shown} of ${total} problems are shown.`,
    backToContacts: 'Back to Active Contacts',
    problems: {
      'no-file': problem('Choose a file', 'Choose a CSV file to upload.'),
      empty: problem('The file is empty', 'The file holds no text. Choose a CSV file with a header line and rows.'),
      'not-text': problem(
        'The file is not UTF-8 text',
        'The file is not UTF-8 text (it may be a spreadsheet, or CSV in another encoding). In Excel, save it as “CSV UTF-8 (comma delimited)”.',
      ),
      'not-csv': problem(
        'The file is not readable CSV',
        'The start of the file is not readable as CSV (a quote may be missing).',
      ),
      'no-email-column': problem(
        'The file has no email column',
        'Contacts are matched by their email, so the file needs an emailaddress1 (or email) column. The columns found are listed below.',
      ),
      'too-large': problem(
        'The file is too large',
        'An import may be at most 100 MiB. Split the file and upload each part.',
      ),
      gone: problem(
        'The upload is no longer here',
        'The uploaded file was imported already, is more than an hour old, or belongs to another session. Upload it again.',
      ),
    },
  },
  export: {
    title: 'Export to Power Pages',
    lead: 'Download accounts, contacts, web roles, invitations with their redemptions, and the Authentication/* site settings as one Dataverse JSON file (Web API entity set names, lookups as _…_value, N:N sets as arrays of ids), to load into a Power Pages site or into another installation of this service. Invitation codes are never exported.',
    model: 'Data model',
    models: {
      enhanced: 'Enhanced data model (mspp_, every new Power Pages site)',
      standard: 'Standard data model (adx_)',
    },
    format: 'Format',
    json: 'JSON: one file keyed by entity set',
    formatHint:
      'The CSV form (one file per entity set) is made by the command line: npx portal-invitations export powerpages --out DIR/',
    download: 'Download',
  },
};

const da: typeof en = {
  commands: { importCsv: 'Importér fra CSV', exportPowerPages: 'Eksportér til Power Pages' },
  import: {
    title: 'Importér kontaktpersoner',
    lead: 'Upload en CSV-fil med kontaktpersoner. De genkendes på mail (emailaddress1) uanset store og små bogstaver: en ny mail opretter en kontaktperson, en kendt opdaterer den, og en tom celle lader feltet være, som det er.',
    columnsHint:
      'Kolonner: firstName, lastName, emailaddress1 (eller email), emailaddress2, emailaddress3, account (et navn eller et id; et manglende firma oprettes), locale (da eller en), webRoles (navne adskilt af , ; eller |); også Dataverses navne (firstname, lastname, parentcustomerid). UTF-8 med eller uden BOM, komma eller semikolon, højst 100 MiB.',
    file: 'CSV-fil',
    next: 'Næste',
    previewTitle: 'Gennemse tilknytningen',
    fileName: 'Fil',
    size: 'Størrelse',
    encoding: 'Tegnsæt',
    delimiter: 'Skilletegn',
    encodings: { 'utf-8': 'UTF-8', 'utf-8-bom': 'UTF-8 med BOM' },
    delimiters: { ',': 'Komma (,)', ';': 'Semikolon (;)' },
    mappingTitle: 'Kolonnetilknytning',
    column: 'Kolonne i filen',
    field: 'Felt',
    ignored: 'Ignoreres',
    sampleTitle: 'Filens første rækker',
    sampleCaption: (n: number) => (n === 1 ? 'Den første række' : `De første ${n} rækker`),
    noRows: 'Filen har ingen datarækker.',
    runTitle: 'Import',
    continueOnError: 'Fortsæt ved fejl',
    continueHint:
      'Importér de gode rækker og spring de dårlige over. Uden dette importeres intet fra en fil med en dårlig række.',
    dryRun: 'Prøvekørsel',
    import: 'Importér',
    dryRunHint: 'En prøvekørsel kontrollerer hver række og tæller, hvad der ville ændres. Den ændrer intet.',
    uploadAnother: 'Upload en anden fil',
    reportTitle: 'Importrapport',
    dryRunReportTitle: 'Rapport fra prøvekørsel',
    dryRunNote: 'Prøvekørsel: intet blev ændret. Tallene viser, hvad en import ville gøre.',
    allGood: 'Alle rækker kom igennem.',
    allGoodDry: 'Alle rækker kan importeres.',
    problemsFound: 'Nogle rækker har problemer: se listen nedenfor.',
    nothingImported:
      'Intet blev importeret, fordi nogle rækker har problemer. Ret dem og upload filen igen, eller importér med Fortsæt ved fejl.',
    someSkipped: 'De gode rækker blev importeret; rækkerne med problemer blev sprunget over.',
    fileUnreadable: 'Filen kunne ikke læses til ende, så intet blev importeret.',
    counts: {
      rows: 'Rækker',
      created: 'Oprettet',
      updated: 'Opdateret',
      unchanged: 'Uændret',
      skipped: 'Sprunget over',
      accountsCreated: 'Firmaer oprettet',
    },
    errorsTitle: 'Rækker med problemer',
    row: 'Række',
    message: 'Problem',
    wholeFile: 'Filen',
    moreErrors: (shown: number, total: number) => `De første ${shown} af ${total} problemer vises.`,
    backToContacts: 'Tilbage til Aktive kontaktpersoner',
    problems: {
      'no-file': problem('Vælg en fil', 'Vælg en CSV-fil, der skal uploades.'),
      empty: problem(
        'Filen er tom',
        'Filen indeholder ingen tekst. Vælg en CSV-fil med en overskriftslinje og rækker.',
      ),
      'not-text': problem(
        'Filen er ikke UTF-8-tekst',
        'Filen er ikke UTF-8-tekst (den kan være et regneark eller CSV i et andet tegnsæt). Gem den i Excel som “CSV UTF-8 (kommasepareret)”.',
      ),
      'not-csv': problem(
        'Filen kan ikke læses som CSV',
        'Begyndelsen af filen kan ikke læses som CSV (der mangler måske et anførselstegn).',
      ),
      'no-email-column': problem(
        'Filen har ingen mailkolonne',
        'Kontaktpersoner genkendes på deres mail, så filen skal have en kolonne emailaddress1 (eller email). De fundne kolonner står nedenfor.',
      ),
      'too-large': problem('Filen er for stor', 'En import må højst fylde 100 MiB. Del filen op, og upload hver del.'),
      gone: problem(
        'Den uploadede fil er her ikke længere',
        'Filen er allerede importeret, er mere end en time gammel eller hører til en anden session. Upload den igen.',
      ),
    },
  },
  export: {
    title: 'Eksportér til Power Pages',
    lead: 'Hent firmaer, kontaktpersoner, webroller, invitationer med deres indløsninger og webstedsindstillingerne Authentication/* som én Dataverse JSON-fil (Web API-objektsætnavne, opslag som _…_value, N:N-sæt som lister af id’er) til et Power Pages-websted eller en anden installation af denne tjeneste. Invitationskoder eksporteres aldrig.',
    model: 'Datamodel',
    models: {
      enhanced: 'Udvidet datamodel (mspp_, alle nye Power Pages-websteder)',
      standard: 'Standarddatamodel (adx_)',
    },
    format: 'Format',
    json: 'JSON: én fil opdelt efter objektsæt',
    formatHint:
      'CSV-formen (én fil pr. objektsæt) laves med kommandolinjen: npx portal-invitations export powerpages --out MAPPE/',
    download: 'Hent',
  },
};

export const importExportTexts = { en, da };

/** The import service's row problems said in Danish (any other text is shown as the service wrote it). */
const danishMessages: Array<[RegExp, (...m: string[]) => string]> = [
  [/^must be an email address$/, () => 'skal være en mailadresse'],
  [/^must be "da" or "en"$/, () => 'skal være "da" eller "en"'],
  [/^must be at most (\d+) characters$/, (n) => `må højst være ${n} tegn`],
  [/^must not contain control characters$/, () => 'må ikke indeholde kontroltegn'],
  [/^is needed: contacts are matched by it$/, () => 'mangler: kontaktpersoner genkendes på den'],
  [/^is the same as in row (\d+)$/, (n) => `er den samme som i række ${n}`],
  [/^no web role is named "(.*)"$/, (name) => `ingen webrolle hedder "${name}"`],
  [
    /^the file needs an emailaddress1 \(or email\) column$/,
    () => 'filen skal have en kolonne emailaddress1 (eller email)',
  ],
  [/^not readable as CSV: (.*)$/, (why) => `kan ikke læses som CSV: ${why}`],
];

export function rowMessage(locale: 'en' | 'da', message: string): string {
  if (locale === 'en') return message;
  for (const [re, say] of danishMessages) {
    const m = re.exec(message);
    if (m) return say(...m.slice(1));
  }
  return message;
}
