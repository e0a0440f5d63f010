// The resource table, computed in the browser by the core from the served bundle.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { launch, openPage, BASE, ARTIFACTS } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function totals(page) {
  const row = page.getByTestId('resource-total');
  await row.waitFor({ timeout: 15000 });
  const cell = async (f) => (await row.locator(`[data-field="${f}"]`).textContent()).trim();
  return {
    pods: await cell('pods'),
    cpuRequest: await cell('cpu-request'),
    cpuLimit: await cell('cpu-limit'),
    memoryRequest: await cell('memory-request'),
    memoryLimit: await cell('memory-limit'),
  };
}

test('the resources view shows the totals computed from k8s/', async () => {
  const { page, problems, context } = await openPage(browser, 'resources');
  const t = await totals(page);
  assert.deepEqual(t, {
    pods: '6', cpuRequest: '1200m', cpuLimit: '2400m', memoryRequest: '1216Mi', memoryLimit: '2432Mi',
  });
  for (const name of ['nginx', 'flask-app', 'postgres', 'prometheus', 'grafana']) {
    await page.locator(`tr[data-workload$="/${name}"]`).waitFor();
  }
  await page.screenshot({ path: `${ARTIFACTS}/resources.png`, fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});

test('the totals follow the manifests: a changed replica count and limit change the page', async () => {
  const { page, context } = await openPage(browser, null);
  // Serve an edited copy of the real bundle: flask-app 2 -> 3 replicas.
  await page.route('**/manifests.yaml', async (route) => {
    const response = await route.fetch();
    let body = await response.text();
    const flask = body.indexOf('name: flask-app\n');
    assert.ok(flask > 0, 'bundle has the flask-app deployment');
    const at = body.indexOf('replicas: 2', flask);
    assert.ok(at > 0, 'flask-app has replicas: 2');
    body = body.slice(0, at) + 'replicas: 3' + body.slice(at + 'replicas: 2'.length);
    await route.fulfill({ response, body });
  });
  await page.goto(new URL('resources', BASE).href);
  const t = await totals(page);
  // One more flask pod: +250m/+500m CPU, +256Mi/+512Mi memory.
  assert.deepEqual(t, {
    pods: '7', cpuRequest: '1450m', cpuLimit: '2900m', memoryRequest: '1472Mi', memoryLimit: '2944Mi',
  });
  await context.close();
});

test('the served bundle holds no secret value', async () => {
  const res = await fetch(new URL('manifests.yaml', BASE));
  assert.equal(res.status, 200);
  const bundle = await res.text();
  assert.match(bundle, /kind: Secret/);
  // Every value of every k8s Secret, decoded, must be absent from what nginx serves.
  const python = process.env.PYTHON ?? '.venv/bin/python';
  // Every sensitive value of every k8s Secret (passwords, keys, connection strings),
  // raw and base64, must be absent from what nginx serves.
  const values = JSON.parse(execFileSync(python, ['-c', `
import base64, glob, json, re, yaml
vals = set()
for f in glob.glob('k8s/**/*.y*ml', recursive=True):
    for d in yaml.safe_load_all(open(f)):
        if not d or d.get('kind') != 'Secret':
            continue
        items = {k: base64.b64decode(v).decode() for k, v in (d.get('data') or {}).items()}
        items.update(d.get('stringData') or {})
        for k, v in items.items():
            if re.search('PASSWORD|SECRET|KEY|TOKEN|URL', k, re.I):
                vals.add(v); vals.add(base64.b64encode(v.encode()).decode())
print(json.dumps(sorted(v for v in vals if len(v) >= 8)))
`]).toString());
  // (Values under 8 characters, like the seed's public Grafana default "admin", are common
  // words; the structural check below covers them.)
  assert.ok(values.length >= 4, `found ${values.length} sensitive values`);
  for (const v of values) {
    assert.ok(!bundle.includes(v), `secret value leaked into the bundle: ${v.slice(0, 3)}…`);
  }
  // Structurally: every Secret in the bundle keeps its keys, and each value is redacted.
  const secrets = JSON.parse(execFileSync(python, ['-c', `
import json, sys, yaml
out = {}
for d in yaml.safe_load_all(sys.stdin):
    if d and d.get('kind') == 'Secret':
        assert 'data' not in d, 'redacted Secrets carry no data'
        out[d['metadata']['name']] = d.get('stringData') or {}
print(json.dumps(out))
`], { input: bundle }).toString());
  assert.deepEqual(Object.keys(secrets).sort(), ['flask-secret', 'grafana-admin', 'postgres-secret']);
  for (const [name, data] of Object.entries(secrets)) {
    assert.ok(Object.keys(data).length >= 2, `${name} keeps its keys`);
    for (const [key, value] of Object.entries(data)) {
      assert.ok(value === 'REDACTED' || /^[a-z]+:\/\/REDACTED@/.test(value), `${name}.${key} is redacted: ${value}`);
    }
  }
});

test('a bundle that cannot be loaded shows the typed error, not a blank page', async () => {
  const { page, context } = await openPage(browser, null);
  await page.route('**/manifests.yaml', (route) => route.fulfill({ status: 503, body: 'unavailable' }));
  await page.goto(new URL('resources', BASE).href);
  const alert = page.getByRole('alert');
  await alert.waitFor({ timeout: 15000 });
  assert.match(await alert.textContent(), /manifests\.yaml: HTTP 503/);
  await page.screenshot({ path: `${ARTIFACTS}/load-error.png` });
  await context.close();
});

test('each workload\'s share of a node follows the node size the user types', async () => {
  const { page, problems, context } = await openPage(browser, 'resources');
  const total = page.getByTestId('share-total');
  await total.waitFor({ timeout: 15000 });
  // k8s/: 1200m CPU requested by all pods, 2 CPU node (the default) -> 60 %.
  assert.match(await total.textContent(), /CPU request 60%/);
  assert.match(await total.textContent(), /Memory request 30%/); // 1216Mi of 4 GiB
  await page.getByTestId('node-cpu').fill('4');
  await page.waitForFunction(() => /CPU request 30%/.test(document.querySelector('[data-testid=share-total]').textContent));
  // A node too small: limits past 100 % are marked.
  await page.getByTestId('node-cpu').fill('1');
  await page.locator('[data-testid=share-total] td.share.over').first().waitFor();
  await page.screenshot({ path: `${ARTIFACTS}/resources-share.png`, fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});

test('pointing at a resources row lights that workload in the small diagram', async () => {
  const { page, problems, context } = await openPage(browser, 'resources');
  const map = page.getByTestId('mini-map');
  await map.locator('g.node').first().waitFor({ timeout: 15000 });
  // Every workload row has its card in the map.
  const rows = await page.$$eval('table.resources tr[data-workload]', (els) => els.map((e) => e.dataset.workload));
  for (const id of rows) assert.equal(await map.locator(`g.node[data-id="${id}"]`).count(), 1, id);
  await page.locator('table.resources tr[data-workload$="/postgres"] td').first().hover();
  await map.locator('svg.lit g.node.current').waitFor();
  assert.deepEqual(await map.locator('g.node.current').evaluateAll((els) => els.map((e) => e.dataset.name)), ['postgres']);
  await page.screenshot({ path: `${ARTIFACTS}/resources-hover.png`, fullPage: true });
  // Leaving the table clears it.
  await page.mouse.move(5, 5);
  await page.waitForFunction(() => !document.querySelector('[data-testid=mini-map] svg.lit'));
  assert.deepEqual(problems, []);
  await context.close();
});
