// The walkthrough: the traffic, metrics and startup flows, the health checks and the guided
// tour, computed in the browser by the core from the served bundle of k8s/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { launch, openPage, BASE, ARTIFACTS } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const url = (path) => new URL(path, BASE).href;

async function stepTitles(page) {
  const links = page.getByTestId('step-link');
  await links.first().waitFor({ timeout: 15000 });
  return (await links.allTextContents()).map((t) => t.trim());
}

async function litNames(page) {
  return page.$$eval('.canvas g.node.current', (els) => els.map((e) => e.getAttribute('data-name')));
}

/** `b` appears in `a` in the same order (other items may sit between). */
function inOrder(a, b) {
  let i = 0;
  for (const x of a) if (x === b[i]) i += 1;
  return i === b.length;
}

test('the traffic flow follows a request from the entry down to the volume, in order', async () => {
  const { page, problems, context } = await openPage(browser, 'flows/traffic');
  const titles = await stepTitles(page);
  // Every hop title is "a → b"; the chain of names they visit, without repeats in a row.
  const chain = [];
  for (const t of titles) {
    const m = t.match(/^(\S+) → (\S+)$/);
    if (!m) continue;
    for (const name of [m[1], m[2]]) if (chain.at(-1) !== name) chain.push(name);
  }
  assert.ok(
    inOrder(chain, ['nginx-service', 'nginx', 'flask-service', 'flask-app', 'postgres-service', 'postgres', 'postgres-pvc', 'postgres-pv']),
    `traffic hops in order: ${chain.join(' > ')}`,
  );
  // Step 1 names the published port, from the k3d config.
  assert.match(await page.getByTestId('step-text').textContent(), /localhost:8889/);
  // Next moves the URL and the lit part of the diagram together.
  await page.getByRole('button', { name: /Next/ }).click();
  await page.waitForURL(/step=2/);
  // The diagram folds a Service into the workload it selects: the hop lights that card.
  await page.waitForFunction(() => document.querySelector('.canvas g.node.current'));
  const lit = await litNames(page);
  assert.ok(lit.includes('nginx'), `lit at step 2: ${lit}`);
  assert.ok(!lit.includes('postgres'), `only the hop is lit at step 2: ${lit}`);
  // Arrow keys step too, and the step is in the URL (reload keeps it).
  await page.keyboard.press('ArrowRight');
  await page.waitForURL(/step=3/);
  await page.reload();
  assert.match(await page.getByTestId('step-title').textContent(), /nginx reads nginx-config/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the metrics flow shows the scrape interval and path read from the Prometheus config', async () => {
  const { page, problems, context } = await openPage(browser, 'flows/metrics');
  await stepTitles(page);
  const text = await page.getByTestId('step').textContent();
  assert.match(text, /Every 15s/);
  assert.match(text, /\/metrics/);
  assert.match(await page.getByTestId('facts').textContent(), /prometheus-configmap\.yml/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the startup flow follows deploy.sh, shows the init-container wait and the timeline', async () => {
  const { page, problems, context } = await openPage(browser, 'flows/startup');
  await stepTitles(page);
  const phases = (await page.locator('.walk-all .phase-title').allTextContents()).map((t) => t.trim());
  assert.deepEqual(phases.slice(0, 5), ['1. namespace.yml', '2. postgres/', '3. flask-app/', '4. nginx/', '5. monitoring/']);
  const titles = await stepTitles(page);
  const wait = titles.findIndex((t) => /flask-app waits: init container wait-for-postgres/.test(t));
  assert.ok(wait > titles.indexOf('postgres becomes ready'), `${titles}`);
  await page.goto(url(`flows/startup?step=${wait + 1}`));
  assert.match(await page.getByTestId('step-text').textContent(), /every 2 s/);
  const rows = await page.$$eval('[data-testid=timeline] g.tl-row', (els) => els.map((e) => e.getAttribute('data-node')));
  for (const name of ['postgres', 'flask-app', 'nginx']) {
    assert.ok(rows.some((r) => r.endsWith(`/${name}`)), `timeline row for ${name}: ${rows}`);
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test('the health-check table has one row per probe in the manifests, each with its consequence', async () => {
  const probes = readdirSync('k8s', { recursive: true })
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => readFileSync(`k8s/${f}`, 'utf8').match(/^\s*(liveness|readiness|startup)Probe:/gm)?.length ?? 0)
    .reduce((a, b) => a + b, 0);
  assert.ok(probes > 0);
  const { page, problems, context } = await openPage(browser, 'health-checks');
  const rows = page.locator('[data-testid=health-checks] tbody tr');
  await rows.first().waitFor({ timeout: 15000 });
  assert.equal(await rows.count(), probes);
  for (const c of await page.getByTestId('consequence').allTextContents()) assert.ok(c.trim().length > 20, c);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the tour: every step by the arrow key has a title, text and a lit part; the Markdown export holds them all', async () => {
  const { page, problems, context } = await openPage(browser, 'tour');
  await page.getByTestId('step-title').waitFor({ timeout: 15000 });
  const count = Number((await page.locator('.walk-pos').textContent()).match(/of (\d+)/)[1]);
  assert.ok(count >= 8, `tour has ${count} steps`);
  const titles = [];
  for (let n = 1; n <= count; n += 1) {
    await page.waitForURL(new RegExp(`/tour/${n}$|/tour$`));
    const title = (await page.getByTestId('step-title').textContent()).trim();
    titles.push(title);
    assert.ok((await page.getByTestId('step-text').first().textContent()).trim().length > 20, `text of ${title}`);
    if (!/deploy/i.test(title)) {
      await page.waitForFunction(() => document.querySelector('.canvas g.node.current'), null, { timeout: 5000 });
    }
    if (n < count) {
      await page.keyboard.press('ArrowRight');
      await page.waitForURL(new RegExp(`/tour/${n + 1}$`));
    }
  }
  assert.equal(new Set(titles).size, count, `distinct titles: ${titles}`);
  assert.match(await page.getByTestId('commands').textContent(), /kubectl apply -f k8s\/namespace\.yml/);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-markdown').click(),
  ]);
  const markdown = readFileSync(await download.path(), 'utf8');
  for (const t of titles) assert.ok(markdown.includes(t), `Markdown has "${t}"`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('security names nginx-service as the only external entry, and every finding has a fix', async () => {
  const { page, problems, context } = await openPage(browser, 'security');
  const exposure = page.getByTestId('exposure');
  await exposure.waitFor({ timeout: 15000 });
  const entries = await exposure.locator('li > strong').allTextContents();
  assert.deepEqual(entries.map((t) => t.trim()), ['nginx-service']);
  assert.match(await exposure.textContent(), /8889/);
  const policies = readdirSync('k8s', { recursive: true })
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => readFileSync(`k8s/${f}`, 'utf8').match(/^kind: NetworkPolicy$/gm)?.length ?? 0)
    .reduce((a, b) => a + b, 0);
  assert.equal(await page.locator('[data-testid=policies] tbody tr').count(), policies);
  const rules = await page.$$eval('[data-testid=security-findings] tbody tr', (rows) => rows.map((r) => r.dataset.rule));
  for (const r of ['secret-in-manifests', 'admin-credentials', 'mutable-image-tag', 'ephemeral-metrics', 'runs-as-root']) {
    assert.ok(rules.includes(r), `finding ${r} in ${rules}`);
  }
  for (const f of await page.getByTestId('fix').allTextContents()) assert.ok(f.trim().length > 10);
  // Keys, never values.
  const text = await page.locator('main').textContent();
  assert.ok(!/budget_pass_dev/.test(text));
  assert.deepEqual(problems, []);
  await context.close();
});

test('storage says the database is kept on the PersistentVolume and the metrics are lost', async () => {
  const { page, problems, context } = await openPage(browser, 'storage');
  const rows = page.locator('[data-testid=volumes] tbody tr');
  await rows.first().waitFor({ timeout: 15000 });
  const kept = page.locator('tr[data-fate=kept]', { hasText: 'postgres' });
  assert.match(await kept.textContent(), /postgres-pv.*\/tmp\/k3d-postgres-data/s);
  assert.match(await page.locator('tr[data-fate=lost]', { hasText: 'prometheus-storage' }).textContent(), /lost/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('screenshots of the walkthrough, light and dark', async () => {
  for (const scheme of ['light', 'dark']) {
    const { page, problems, context } = await openPage(browser, null, { colorScheme: scheme });
    for (const [path, name] of [
      ['flows/traffic?step=8', 'flow-traffic'],
      ['flows/metrics?step=1', 'flow-metrics'],
      ['flows/startup?step=11', 'flow-startup'],
      ['tour/4', 'tour'],
      ['health-checks', 'health-checks'],
      ['security', 'security'],
      ['storage', 'storage'],
    ]) {
      await page.goto(url(path));
      await page.locator('[data-testid=step], [data-testid=health-checks], [data-testid=exposure], [data-testid=volumes]').first().waitFor({ timeout: 15000 });
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${ARTIFACTS}/${name}-${scheme}.png` });
    }
    assert.deepEqual(problems, []);
    await context.close();
  }
});
