#!/usr/bin/env node
// The `portal-invitations` command: registers tsx so that the TypeScript sources run as they are,
// then hands the arguments to src/cli/main.ts. The exit status is set, not forced, so that
// `serve` keeps running and pending output is flushed.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// The project's tsconfig (JSX settings), whatever the current directory is.
register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });

const { runCli } = await import('../src/cli/main.ts');
process.exitCode = await runCli(process.argv);
