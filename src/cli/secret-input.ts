// Reads a secret (a password) from standard input without ever echoing it: piped input is read
// to its end; at a terminal the typed characters are not shown.
import type { CliIo } from './io.ts';
import { UsageError } from './io.ts';

/** The whole of piped stdin, less one trailing line break (what `echo` or a file adds). */
async function readPiped(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** One line typed at the terminal with echo off. Ctrl-C or Ctrl-D on an empty line give up. */
function readHidden(io: CliIo, prompt: string): Promise<string> {
  const { stdin } = io;
  return new Promise((resolve, reject) => {
    let value = '';
    io.stderr.write(prompt);
    stdin.setRawMode?.(true);
    stdin.resume();
    const finish = (error?: Error) => {
      stdin.setRawMode?.(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      io.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (data: Buffer | string) => {
      for (const ch of data.toString()) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003' || (ch === '\u0004' && value === ''))
          return finish(new UsageError('no password was entered'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

export async function readSecretFromStdin(io: CliIo, prompt: string): Promise<string> {
  return io.stdin.isTTY ? readHidden(io, prompt) : readPiped(io.stdin);
}
