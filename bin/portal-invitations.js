#!/usr/bin/env node
// The `portal-invitations` command: registers tsx so that the TypeScript sources run as they are,
// then hands the arguments to src/cli/main.ts. The exit status is set, not forced, so that
// `serve` keeps running and pending output is flushed.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// Every module loaded once tsx's hooks are registered costs a round trip to tsx's worker thread:
// kysely's ESM build (262 files) took 0.8 s through them and 0.25 s without. The big plain-JS
// dependencies of the commands that do work are therefore loaded first, natively; the sources'
// imports of them then find them loaded. Help and the version need neither, and a command on a
// running server (--url) no query builder.
const words = process.argv.slice(2);
const onlyHelp = words.length === 0 || words.some((w) => ['-h', '--help', 'help', '-V', '--version'].includes(w));
const remote = Boolean(process.env.PORTAL_URL) || words.some((w) => w === '--url' || w.startsWith('--url='));
if (!onlyHelp) await Promise.all([import('zod'), ...(remote ? [] : [import('kysely')])]);

// The project's tsconfig (JSX settings), whatever the current directory is.
register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });

const { runCli } = await import('../src/cli/main.ts');
process.exitCode = await runCli(process.argv);
