// Static files a site's pages link to (its stylesheet), read once at start and served with an hour
// of caching: they change only with a release.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { Api } from '../http/types.ts';

const contentTypes: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.js': 'text/javascript; charset=utf-8',
};

/** Serves each file at its path (relative to the scope's prefix): `{ '/assets/portal.css': fileUrl }`. */
export function assetRoutes(scope: Api, files: Record<string, URL>): void {
  for (const [path, file] of Object.entries(files)) {
    const body = readFileSync(file, 'utf8');
    const type = contentTypes[extname(file.pathname)] ?? 'application/octet-stream';
    scope.get(path, async (_req, reply) =>
      reply.header('Content-Type', type).header('Cache-Control', 'public, max-age=3600').send(body),
    );
  }
}
