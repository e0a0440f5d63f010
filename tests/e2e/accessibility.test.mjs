// axe-core (WCAG 2 A/AA and best practice) on every route, light and dark, and with the
// details panel open: 0 violations. axe is injected into the page, so the context bypasses
// the CSP (the served page allows only its own scripts).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { launch, openPage } from './browser.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const ROUTES = [
  ['', '.canvas g.node'],
  ['resources', '[data-testid=resource-total]'],
  ['findings', 'main h1'],
  ['health-checks', '[data-testid=health-checks]'],
  ['security', '[data-testid=exposure]'],
  ['storage', '[data-testid=volumes]'],
  ['flows/traffic?step=4', '[data-testid=step]'],
  ['flows/metrics', '[data-testid=step]'],
  ['flows/startup?step=11', '[data-testid=timeline]'],
  ['tour/3', '[data-testid=step]'],
  ['status', 'table.status-table tbody tr[data-status]'],
  ['no-such-page', 'main h1'],
];

async function axe(page) {
  await page.addScriptTag({ content: AXE });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary.split('\n').slice(1, 2).join(' ').trim()}`),
    }));
  });
}

const describe = (vs) => vs.map((v) => `${v.id} (${v.nodes.length}): ${v.nodes.slice(0, 3).join(' | ')}`).join('\n');

for (const scheme of ['light', 'dark']) {
  test(`every route has no axe violation (${scheme})`, async () => {
    const { page, problems, context } = await openPage(browser, null, { colorScheme: scheme, bypassCSP: true });
    const found = [];
    for (const [path, ready] of ROUTES) {
      await page.goto(new URL(path, process.env.EXPLORER_URL ?? 'http://127.0.0.1:8889/explorer/').href);
      await page.locator(ready).first().waitFor({ timeout: 15000 });
      await page.waitForTimeout(200);
      const v = await axe(page);
      if (v.length) found.push(`/${path}:\n${describe(v)}`);
    }
    // The details panel open on a workload.
    await page.goto(new URL('?node=Deployment%2Fbudget-app%2Fflask-app', process.env.EXPLORER_URL ?? 'http://127.0.0.1:8889/explorer/').href);
    await page.getByTestId('details').waitFor({ timeout: 15000 });
    const v = await axe(page);
    if (v.length) found.push(`details panel:\n${describe(v)}`);
    assert.equal(found.join('\n\n'), '');
    assert.deepEqual(problems, []);
    await context.close();
  });
}
