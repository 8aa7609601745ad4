// The checked-in client types are those of the served documents: a route whose document changed
// without `npm run generate:client` fails here (and openapi-typescript must accept both documents).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOCUMENTS, type DocumentName, servedDocuments, typesOf } from './documents.ts';

describe('the typed API client', () => {
  it('is generated from the documents the server serves (run `npm run generate:client` after changing a route)', async () => {
    const documents = await servedDocuments();
    for (const name of Object.keys(DOCUMENTS) as DocumentName[]) {
      const checkedIn = readFileSync(new URL(`./${DOCUMENTS[name].types}`, import.meta.url), 'utf8');
      const generated = await typesOf(name, documents[name]);
      expect(generated === checkedIn, `${DOCUMENTS[name].types} is out of date: run npm run generate:client`).toBe(
        true,
      );
    }
  });
});
