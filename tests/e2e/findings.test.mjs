// The findings view and hostile names, in Chromium against the real nginx. Bundles other than
// the real one are served with page.route (the same path the app fetches).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch, openPage, ARTIFACTS } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function serve(page, body) {
  await page.route('**/manifests.yaml', (route) => route.fulfill({ status: 200, contentType: 'text/yaml', body }));
}

const PROBLEMS = `---
# source: k8s/app.yaml#0:1
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: c
        image: web:1
        envFrom: [{secretRef: {name: missing-secret}}]
        resources: {requests: {cpu: lots, memory: 1Gi}, limits: {cpu: '1', memory: 1Gi}}
---
# source: load errors
apiVersion: explorer/v1
kind: LoadErrors
errors:
- {path: k8s/broken.yaml, document: 2, line: 14, message: 'invalid Deployment api: spec.replicas: invalid type'}
`;

test('the header counts the findings and the view lists every one with its place', async () => {
  const { page, problems, context } = await openPage(browser, null);
  await serve(page, PROBLEMS);
  await page.goto(new URL('findings', 'http://127.0.0.1:8889/explorer/').href);
  const rows = page.locator('table.findings tbody tr');
  await rows.first().waitFor({ timeout: 15000 });
  const n = await rows.count();
  assert.ok(n >= 3, `${n} rows`);
  assert.equal((await page.getByTestId('findings-count').textContent()).trim(), String(n));
  const text = await page.locator('table.findings').textContent();
  assert.match(text, /k8s\/broken\.yaml:14 \(document 3\)/);
  assert.match(text, /spec\.replicas/);
  assert.match(text, /invalid-quantity/);
  assert.match(text, /broken-reference/);
  assert.match(text, /missing-secret/);
  assert.equal(await page.locator('table.findings tbody tr[data-severity="error"]').first().getAttribute('data-severity'), 'error');
  await page.screenshot({ path: `${ARTIFACTS}/findings.png`, fullPage: true });
  // A finding links to its node on the diagram.
  await page.locator('table.findings a[data-node="Deployment/shop/web"]').first().click();
  await page.waitForURL(/\/explorer\/\?node=Deployment%2Fshop%2Fweb|\/explorer\/\?node=Deployment\/shop\/web/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the real bundle: the badge matches the list', async () => {
  const { page, problems, context } = await openPage(browser, 'findings');
  await page.locator('table.findings, [data-testid="no-findings"]').first().waitFor({ timeout: 15000 });
  const rows = await page.locator('table.findings tbody tr').count();
  const badge = page.getByTestId('findings-count');
  if (rows === 0) assert.equal(await badge.count(), 0);
  else assert.equal((await badge.textContent()).trim(), String(rows));
  assert.deepEqual(problems, []);
  await context.close();
});

// Names that would run script or break markup if any writer forgot to escape them.
const EVIL = `x<script>window.__pwned=1</script>"'&<img src=x onerror="window.__pwned=2">javascript:alert(1)\u0007`;
const yamlString = (s) => JSON.stringify(s); // JSON strings are YAML double-quoted strings

const HOSTILE = `---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${yamlString(EVIL)}
  namespace: evil
  labels: {app: evil}
spec:
  replicas: 1
  selector: {matchLabels: {app: evil}}
  template:
    metadata: {labels: {app: evil}}
    spec:
      containers:
      - name: ${yamlString(EVIL)}
        image: ${yamlString(EVIL)}
        envFrom: [{configMapRef: {name: ${yamlString(EVIL + '-cm')}}}]
        resources: {requests: {cpu: ${yamlString(EVIL)}, memory: 1Gi}, limits: {cpu: '1', memory: 1Gi}}
---
apiVersion: v1
kind: Service
metadata: {name: ${yamlString(EVIL + '-svc')}, namespace: evil}
spec: {type: LoadBalancer, selector: {app: evil}, ports: [{port: 80}]}
`;

test('hostile names: no script runs, every view shows the text exactly, the SVG export parses', async () => {
  const { page, problems, context } = await openPage(browser, null);
  await serve(page, HOSTILE);
  const id = `Deployment/evil/${EVIL}`;
  const pages = ['', `?node=${encodeURIComponent(id)}`, 'resources', 'findings'];
  for (const p of pages) {
    await page.goto(new URL(p, 'http://127.0.0.1:8889/explorer/').href);
    await page.locator('main').waitFor();
    await page.waitForTimeout(300);
    await page.locator('.canvas, table.resources, table.findings, .status-line').first().waitFor({ timeout: 15000 });
    assert.equal(await page.evaluate(() => window.__pwned), undefined, `script ran on ${p || 'the diagram'}`);
    assert.equal(await page.locator('main script, main img').count(), 0, `markup injected on ${p || 'the diagram'}`);
  }
  // The text reads back exactly where it is shown.
  await page.goto(new URL('findings', 'http://127.0.0.1:8889/explorer/').href);
  const link = page.locator('table.findings a[data-node]').first();
  await link.waitFor({ timeout: 15000 });
  assert.equal(await link.getAttribute('data-node'), id);
  assert.equal(await link.textContent(), id);
  await page.goto(new URL('resources', 'http://127.0.0.1:8889/explorer/').href);
  const row = page.locator('table.resources tbody tr').first();
  await row.waitFor({ timeout: 15000 });
  assert.equal(await row.getAttribute('data-workload'), id);
  assert.equal((await row.locator('th a').textContent()), EVIL);
  await page.goto(new URL(`?node=${encodeURIComponent(id)}`, 'http://127.0.0.1:8889/explorer/').href);
  // SVG is XML 1.0, which cannot hold U+0007 even as a reference: it is drawn as U+FFFD.
  const svgName = EVIL.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\ufffd');
  await page.locator('g.node').first().waitFor({ timeout: 15000 });
  const names = await page.evaluate(() => [...document.querySelectorAll('g.node')].map((n) => n.getAttribute('data-name')));
  assert.ok(names.includes(svgName), `diagram node names: ${JSON.stringify(names)}`);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export SVG' }).click(),
  ]);
  const svg = readFileSync(await download.path(), 'utf8');
  const parsed = await page.evaluate(([text, name]) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    const g = [...doc.querySelectorAll('g.node')].find((n) => n.getAttribute('data-name') === name);
    return {
      ok: !doc.querySelector('parsererror') && doc.documentElement.nodeName === 'svg',
      scripts: doc.querySelectorAll('script, foreignObject').length,
      found: Boolean(g),
    };
  }, [svg, svgName]);
  assert.deepEqual(parsed, { ok: true, scripts: 0, found: true });
  await page.screenshot({ path: `${ARTIFACTS}/hostile-names.png`, fullPage: true });
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  // Parsing the exported file (it embeds a <style>) makes the page's CSP report the blocked
  // inline style: the policy working, not a problem of the page.
  assert.deepEqual(problems.filter((p) => !p.includes('Content Security Policy')), []);
  await context.close();
});
