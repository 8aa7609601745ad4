// A Node `--import` hook that records every module a process loads, for tests that check what a
// command pulls in (start-up cost): ESM URLs as they are resolved (in the hooks thread) and CommonJS
// files from require's cache, written to the file named by LOADED_MODULES_FILE, one URL a line.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

const out = process.env.LOADED_MODULES_FILE;
if (out) {
  register(new URL('./loaded-modules.hooks.mjs', import.meta.url), { data: { out } });
  const require = createRequire(import.meta.url);
  process.on('exit', () => {
    const cjs = Object.keys(require.cache).map((file) => pathToFileURL(file).href);
    if (cjs.length) appendFileSync(out, `${cjs.join('\n')}\n`);
  });
}
