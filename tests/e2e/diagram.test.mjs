// The architecture diagram, in real Chromium against the built SPA served by nginx.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch, openPage, BASE, ARTIFACTS } from './browser.mjs';

const NS = 'budget-app';
const id = (kind, name, ns = NS) => `${kind}/${ns}/${name}`;
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function diagram(page) {
  await page.getByTestId('diagram').waitFor({ timeout: 15000 });
  await page.locator('g.node').first().waitFor();
}

test('the home page shows the five workloads, six pods and their Services', async () => {
  const { page, problems, context } = await openPage(browser, '');
  await diagram(page);
  const workloads = await page.locator('g.node.workload').evaluateAll((els) =>
    els.map((e) => ({ id: e.dataset.id, label: e.getAttribute('aria-label') })));
  assert.deepEqual(workloads.map((w) => w.id).sort(),
    ['flask-app', 'grafana', 'nginx', 'postgres', 'prometheus'].map((n) => id('Deployment', n)));
  const pods = workloads.reduce((sum, w) => sum + Number(/(\d+) replicas?/.exec(w.label)[1]), 0);
  assert.equal(pods, 6);
  const text = await page.getByTestId('diagram').textContent();
  for (const svc of ['nginx-service', 'flask-service', 'postgres-service', 'prometheus-service', 'grafana-service']) {
    assert.ok(text.includes(svc), `diagram names ${svc}`);
  }
  assert.ok(text.includes("User's browser"));
  assert.ok(text.includes('localhost:8889'), 'entry label from the k3d config');
  // Port labels on the traffic edges, read from the manifests.
  const label = (from, to) => page.locator(`g.edge[data-from="${id('Deployment', from)}"][data-to="${id('Deployment', to)}"] .edge-label`).textContent();
  assert.equal(await label('nginx', 'flask-app'), ':5000');
  assert.equal(await label('flask-app', 'postgres'), ':5432');
  assert.ok(text.includes(`namespace ${NS}`));
  await page.screenshot({ path: `${ARTIFACTS}/diagram-light.png` });
  assert.deepEqual(problems, []);
  await context.close();
});

test('the dark theme follows the system setting', async () => {
  const { page, context } = await openPage(browser, '', { colorScheme: 'dark' });
  await diagram(page);
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.notEqual(bg, 'rgb(246, 247, 251)', 'dark background');
  await page.screenshot({ path: `${ARTIFACTS}/diagram-dark.png` });
  await context.close();
});

test('expanded, the diagram has the request, storage, metrics and dashboard edges', async () => {
  const { page, context } = await openPage(browser, '');
  await diagram(page);
  await page.getByRole('button', { name: 'Expand attached objects' }).click();
  await page.locator(`g.node[data-id="${id('Service', 'flask-service')}"]`).waitFor();
  const edges = await page.locator('g.edge').evaluateAll((els) => els.map((e) => `${e.dataset.from} -> ${e.dataset.to}`));
  const want = [
    [id('Deployment', 'nginx'), id('Service', 'flask-service')],
    [id('Service', 'flask-service'), id('Deployment', 'flask-app')],
    [id('Deployment', 'flask-app'), id('Service', 'postgres-service')],
    [id('Service', 'postgres-service'), id('Deployment', 'postgres')],
    [id('Deployment', 'postgres'), id('PersistentVolumeClaim', 'postgres-pvc')],
    [id('PersistentVolumeClaim', 'postgres-pvc'), 'PersistentVolume//postgres-pv'],
    [id('Deployment', 'prometheus'), id('Deployment', 'flask-app')],
    [id('Deployment', 'grafana'), id('Service', 'prometheus-service')],
    ['External//internet', id('Service', 'nginx-service')],
  ];
  for (const [from, to] of want) assert.ok(edges.includes(`${from} -> ${to}`), `edge ${from} -> ${to}`);
  await page.screenshot({ path: `${ARTIFACTS}/diagram-expanded.png` });
  await context.close();
});

test('clicking flask-app shows its probes and the provenance of its database edge', async () => {
  const { page, context } = await openPage(browser, '');
  await diagram(page);
  await page.locator(`g.node[data-id="${id('Deployment', 'flask-app')}"]`).click();
  const panel = page.getByTestId('details');
  await panel.waitFor();
  assert.match(page.url(), /[?&]node=Deployment%2Fbudget-app%2Fflask-app|node=Deployment\/budget-app\/flask-app/);
  const text = await panel.textContent();
  assert.match(text, /readiness\s*GET \/api\/health :5000 · every 5s, starts after 10s/);
  assert.match(text, /liveness\s*GET \/api\/health :5000 · every 10s, starts after 30s/);
  const provenance = await panel.locator('.prov').allTextContents();
  assert.ok(provenance.some((p) => /DATABASE_URL/.test(p) && /postgres-service:5432/.test(p)),
    `database provenance in ${JSON.stringify(provenance)}`);
  assert.ok(provenance.some((p) => /pg_isready -h postgres-service -p 5432/.test(p)));
  assert.ok(!text.includes('budget_pass'), 'no secret value in the panel');
  await page.screenshot({ path: `${ARTIFACTS}/diagram-details.png` });
  await page.keyboard.press('Escape');
  await panel.waitFor({ state: 'detached' });
  await context.close();
});

test('a ?node= deep link opens the same view', async () => {
  const { page, context } = await openPage(browser, `?node=${encodeURIComponent(id('Deployment', 'postgres'))}`);
  const panel = page.getByTestId('details');
  await panel.waitFor({ timeout: 15000 });
  const text = await panel.textContent();
  assert.match(text, /postgres/);
  assert.match(text, /pg_isready/);
  assert.match(text, /postgres-pvc/);
  await context.close();
});

test('links move between pages and nodes without reloading; back returns', async () => {
  const { page, problems, context } = await openPage(browser, '');
  await diagram(page);
  await page.evaluate(() => { window.__sameDocument = true; });
  // Nav link to the resources page, in the same document.
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Resources' }).click();
  await page.getByTestId('resource-total').waitFor();
  assert.equal(new URL(page.url()).pathname, '/explorer/resources');
  assert.equal(await page.getByRole('link', { name: 'Resources' }).getAttribute('aria-current'), 'page');
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload');
  await page.goBack();
  await diagram(page);
  assert.equal(new URL(page.url()).pathname, '/explorer/');
  // A link inside the details panel selects the linked node.
  await page.locator(`g.node[data-id="${id('Deployment', 'flask-app')}"]`).click();
  const panel = page.getByTestId('details');
  await panel.getByRole('link', { name: 'Secret flask-secret' }).first().click();
  await page.waitForURL(/node=Secret%2Fbudget-app%2Fflask-secret/);
  await panel.getByRole('heading', { name: 'flask-secret' }).waitFor();
  assert.match(await panel.textContent(), /values redacted/);
  // Back restores the previous selection.
  await page.goBack();
  await panel.getByRole('heading', { name: 'flask-app' }).waitFor();
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload');
  assert.deepEqual(problems, []);
  await context.close();
});

test('keyboard: Tab reaches nodes, Enter opens, Esc closes', async () => {
  const { page, context } = await openPage(browser, '');
  await diagram(page);
  await page.locator('g.node').first().focus();
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement?.dataset?.id);
  assert.ok(focused, 'a node has the focus');
  await page.keyboard.press('Enter');
  await page.getByTestId('details').waitFor();
  assert.ok(page.url().includes('node='));
  await page.keyboard.press('Escape');
  await page.getByTestId('details').waitFor({ state: 'detached' });
  await context.close();
});

test('search and filters narrow the view', async () => {
  const { page, context } = await openPage(browser, '');
  await diagram(page);
  await page.getByLabel('Search nodes').fill('postgres');
  const dimmed = await page.locator('g.node.dim').count();
  const matched = await page.locator('g.node.match').count();
  assert.ok(matched >= 1 && dimmed >= 3, `matched ${matched}, dimmed ${dimmed}`);
  await page.getByLabel('Search nodes').fill('');
  await page.getByText('Relations', { exact: true }).click();
  await page.locator('input[data-filter="family:metrics"]').uncheck();
  const metrics = await page.locator('g.edge[data-family="metrics"]').count();
  assert.equal(metrics, 0);
  await context.close();
});

test('the SVG export is a standalone SVG with the node names', async () => {
  const { page, context } = await openPage(browser, '');
  await diagram(page);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export SVG' }).click(),
  ]);
  const path = await download.path();
  const svg = readFileSync(path, 'utf8');
  assert.match(svg, /^<\?xml[^>]*>\s*<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  for (const name of ['nginx', 'flask-app', 'postgres', 'prometheus', 'grafana', "User(&apos;|&#39;|')s browser"]) {
    assert.match(svg, new RegExp(name));
  }
  const ok = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    return !doc.querySelector('parsererror') && doc.documentElement.nodeName === 'svg';
  }, svg);
  assert.ok(ok, 'the export parses as SVG');
  await context.close();
});

test('pan, zoom and fit change the view transform', async () => {
  const { page, context } = await openPage(browser, '');
  await diagram(page);
  const transform = () => page.locator('g.viewport').getAttribute('transform');
  const fitted = await transform();
  const box = await page.locator('.canvas').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -300);
  await page.waitForFunction((t) => document.querySelector('g.viewport').getAttribute('transform') !== t, fitted);
  const zoomed = await transform();
  await page.mouse.move(box.x + 40, box.y + 40);
  await page.mouse.down();
  await page.mouse.move(box.x + 140, box.y + 90, { steps: 5 });
  await page.mouse.up();
  assert.notEqual(await transform(), zoomed, 'drag pans');
  await page.getByRole('button', { name: 'Fit' }).click();
  assert.equal(await transform(), fitted, 'fit restores the fitted view');
  await context.close();
});

test('hovering a node highlights it and its neighbours, dims the rest', async () => {
  const { page, context } = await openPage(browser, '');
  await diagram(page);
  await page.locator(`g.node[data-id="${id('Deployment', 'postgres')}"] rect.card`).hover();
  const dim = async (name) => (await page.locator(`g.node[data-id="${id('Deployment', name)}"]`).getAttribute('class')).includes('dim');
  assert.equal(await dim('postgres'), false);
  assert.equal(await dim('flask-app'), false, 'a neighbour stays lit');
  assert.equal(await dim('grafana'), true, 'a non-neighbour is dimmed');
  const litEdges = await page.locator('g.edge:not(.dim)').evaluateAll((els) => els.map((e) => `${e.dataset.from} -> ${e.dataset.to}`));
  assert.deepEqual(litEdges, [`${id('Deployment', 'flask-app')} -> ${id('Deployment', 'postgres')}`]);
  await page.mouse.move(5, 300);
  assert.equal(await dim('grafana'), false, 'leaving clears the highlight');
  await context.close();
});
