// Shared Playwright setup: Debian's Chromium, never a downloaded browser.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

export const BASE = process.env.EXPLORER_URL ?? 'http://127.0.0.1:8889/explorer/';
export const ORIGIN = new URL(BASE).origin;
export const ARTIFACTS = process.env.ARTIFACTS_DIR ?? 'artifacts';
mkdirSync(ARTIFACTS, { recursive: true });

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** Opens a page and fails the test on any console error or uncaught exception. */
export async function openPage(browser, path = '', options = {}) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, ...options });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  if (path !== null) await page.goto(new URL(path, BASE).href);
  return { context, page, problems };
}
