// `npm run generate:client`: writes src/api-client/{staff,portal}-api.d.ts from the served documents.
import { writeFileSync } from 'node:fs';
import { DOCUMENTS, type DocumentName, servedDocuments, typesOf } from './documents.ts';

const documents = await servedDocuments();
for (const name of Object.keys(DOCUMENTS) as DocumentName[]) {
  const file = new URL(`./${DOCUMENTS[name].types}`, import.meta.url);
  writeFileSync(file, await typesOf(name, documents[name]));
  console.info(`wrote ${file.pathname}`);
}
