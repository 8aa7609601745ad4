// What the browser tests share: Debian's Chromium through playwright-core (never Playwright's own
// download), the test app listening on a loopback port, axe-core run inside a page, and screenshots
// kept as test artifacts in artifacts/screenshots/.
import { mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startBackgroundWork, type BackgroundWork } from '../src/jobs/background.ts';
import { type TestApp, useTestApp } from '../test/helpers/app.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = join(process.cwd(), 'artifacts', 'screenshots');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Starts the app on 127.0.0.1 and answers its base address. */
export async function listenLocally(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * Runs axe-core in the page (evaluated through the DevTools protocol, so the page's CSP, which
 * allows no inline script, stays as it is) and answers the violations of impact serious or critical.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run();
    return result.violations as Array<{
      id: string;
      impact: string | null;
      help: string;
      nodes: Array<{ target: string[] }>;
    }>;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
}

/** Saves a full-page screenshot as a test artifact (artifacts/screenshots/<name>.png). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export interface BrowserApp {
  t: TestApp;
  /** The app's address (set in beforeAll). */
  base: string;
  browser: Browser;
}

/**
 * A browser test file's app: the test app listening on 127.0.0.1, Chromium, and (with `worker`) the
 * background work of `npm start` — the job worker and the local mail store — running beside it.
 */
export function useBrowserApp(options: { worker?: boolean } = {}): BrowserApp {
  const t = useTestApp();
  const env = { t, base: '', browser: undefined as unknown as Browser };
  let work: BackgroundWork | undefined;
  beforeAll(async () => {
    env.base = await listenLocally(t.app);
    env.browser = await launchChromium();
    if (options.worker) {
      const quiet = { info() {}, warn() {}, error() {} };
      work = startBackgroundWork(t.ctx, quiet as never, { pollMs: 50 });
    }
  });
  afterAll(async () => {
    await work?.stop();
    await env.browser?.close();
  });
  return env;
}
