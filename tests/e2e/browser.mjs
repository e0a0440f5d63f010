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

/** Waits until the app has taken over from the pre-rendered first frame (index.html
 *  carries the diagram drawn at build time, inert, until the app's own is painted). */
export async function appReady(page) {
  await page.waitForFunction(() => !document.getElementById('first-frame'), null, { timeout: 20000 });
}

/** Opens a page and fails the test on any console error or warning, or uncaught exception: `problems`
 *  collects them. Navigations are Playwright's own (see `openPage` for ones that wait). */
export async function openBarePage(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, ...options });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
  return { context, page, problems };
}

/** `openBarePage`, and every navigation (goto, reload) returns once the app has taken over
 *  from the first frame, so locators never see the pre-rendered copy of the diagram. */
export async function openPage(browser, path = '', options = {}) {
  const { context, page, problems } = await openBarePage(browser, options);
  for (const name of ['goto', 'reload']) {
    const original = page[name].bind(page);
    page[name] = async (...args) => {
      const response = await original(...args);
      await appReady(page);
      return response;
    };
  }
  if (path !== null) await page.goto(new URL(path, BASE).href);
  return { context, page, problems };
}
