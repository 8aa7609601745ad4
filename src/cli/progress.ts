// Progress of long commands on stderr: a bar with rate and time left in a terminal (cli-progress),
// plain lines otherwise (a log, a pipe, a test), so stdout stays the result alone.
import { createRequire } from 'node:module';
import type cliProgress from 'cli-progress';
import type { CliIo } from './io.ts';

export interface Progress {
  /** A new stage: its label and, when known, how many units it has (then the bar shows time left). */
  stage(label: string, total?: number): void;
  update(done: number): void;
  /** The stage is done with `done` units (a plain line is always written for it). */
  finish(done: number): void;
}

const PLAIN_EVERY_MS = 1000;

export function progressFor(io: CliIo, unit = 'rows'): Progress {
  const stream = io.stderr as NodeJS.WriteStream;
  if (stream.isTTY && !io.env.CI) return barProgress(stream, unit);
  return plainProgress(io, unit);
}

function barProgress(stream: NodeJS.WriteStream, unit: string): Progress {
  // Loaded only for a terminal: plain lines (logs, pipes, tests) need no bar library at start-up.
  const bars = createRequire(import.meta.url)('cli-progress') as typeof cliProgress;
  let bar: cliProgress.SingleBar | undefined;
  let known = false;
  let started = Date.now();
  return {
    stage(label, total) {
      bar?.stop();
      known = total !== undefined;
      bar = new bars.SingleBar(
        {
          stream,
          format: known
            ? `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {rate} ${unit}/s | ETA {eta_formatted}`
            : `${label} {value} ${unit} | {rate} ${unit}/s`,
          etaBuffer: 50,
          hideCursor: true,
          clearOnComplete: false,
        },
        bars.Presets.shades_classic,
      );
      bar.start(total ?? 0, 0, { rate: '0' });
      started = Date.now();
    },
    update(done) {
      const seconds = (Date.now() - started) / 1000;
      bar?.update(done, { rate: seconds > 0 ? String(Math.round(done / seconds)) : '0' });
    },
    finish(done) {
      this.update(done);
      bar?.stop();
      bar = undefined;
    },
  };
}

function plainProgress(io: CliIo, unit: string): Progress {
  let label = '';
  let total: number | undefined;
  let begun = 0;
  let last = 0;
  const line = (done: number) => {
    const seconds = (Date.now() - begun) / 1000;
    const rate = seconds > 0 ? Math.round(done / seconds) : 0;
    const of = total !== undefined ? `/${total}` : '';
    const left =
      total !== undefined && rate > 0 && done < total ? `, about ${Math.ceil((total - done) / rate)} s left` : '';
    io.stderr.write(`${label}: ${done}${of} ${unit} (${rate} ${unit}/s${left})\n`);
  };
  return {
    stage(l, t) {
      label = l;
      total = t;
      begun = Date.now();
      last = Date.now();
    },
    update(done) {
      const now = Date.now();
      if (now - last < PLAIN_EVERY_MS) return;
      last = now;
      line(done);
    },
    finish(done) {
      line(done);
    },
  };
}
