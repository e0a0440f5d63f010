// What V8 compiles of the app's wasm during a cold start. A start is compile-bound: V8 compiles
// each wasm function with its baseline compiler (Liftoff) on the main thread the first time it
// runs, and recompiles the hot ones with its optimising compiler (TurboFan) on worker threads,
// which on a 2-core machine compete with the main thread. Chromium is started with V8's
// `--trace-wasm-compilation-times`, which prints one line per compiled function; unlike the
// timings, which functions a start compiles does not depend on how busy the machine is.
// Used by tests/e2e/performance.test.mjs and scripts/startup-code.mjs.
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Starts Debian's Chromium (the flags of browser.mjs `launch`) with V8 printing every wasm
 *  compilation, and connects to it. `output.text` accumulates what the browser printed. */
export async function launchCompileTracer() {
  const profile = mkdtempSync(join(tmpdir(), 'wasm-compiles-'));
  const chrome = spawn(process.env.CHROMIUM ?? '/usr/bin/chromium', [
    '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', `--user-data-dir=${profile}`,
    '--remote-debugging-port=0', '--js-flags=--trace-wasm-compilation-times', 'about:blank',
  ], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const output = { text: '' };
  const exited = new Promise((resolve) => chrome.once('exit', resolve));
  // The whole process group (its own, `detached`): the renderers and helpers too, which
  // otherwise write to the profile for a moment after the browser process has gone.
  const stop = async () => {
    try { process.kill(-chrome.pid, 'SIGTERM'); } catch { chrome.kill(); }
    await exited;
    rmSync(profile, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
  };
  let browser;
  try {
    const endpoint = await new Promise((resolve, reject) => {
      const read = (chunk) => {
        output.text += chunk;
        const ws = output.text.match(/DevTools listening on (ws:\S+)/);
        if (ws) resolve(ws[1]);
      };
      chrome.stdout.on('data', read);
      chrome.stderr.on('data', read);
      exited.then((code) => reject(new Error(`chromium exited (${code}) before it listened`)));
      setTimeout(() => reject(new Error('chromium did not listen within 30 s')), 30000).unref();
    });
    browser = await chromium.connectOverCDP(endpoint, { timeout: 30000 });
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    browser,
    output,
    async close() {
      await browser.close().catch(() => {});
      await stop();
    },
  };
}

/** One cold load (a new context: empty cache, no compiled code) left alone for 1.5 s, as the
 *  performance test's loads are, then until the app's diagram is painted. Returns the time of
 *  `diagram-painted` and every wasm function compiled meanwhile: its index in the module, the
 *  compiler (`Liftoff` or `TurboFan`), the compile's wall time (μs) and the body size (bytes). */
export async function coldLoadCompiles(tracer, url) {
  const context = await tracer.browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    const page = await context.newPage();
    const from = tracer.output.text.length;
    await page.goto(url, { waitUntil: 'commit' });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await page.waitForFunction(() => performance.getEntriesByName('diagram-painted').length > 0, null, { polling: 250, timeout: 30000 });
    const painted = await page.evaluate(() => performance.getEntriesByName('diagram-painted')[0].startTime);
    const compiled = [];
    for (const line of tracer.output.text.slice(from).split('\n')) {
      const m = line.match(/Compiled function \S+#(\d+) using (\w+), took (\d+) μs.*bodysize (\d+)/);
      if (m) compiled.push({ index: Number(m[1]), compiler: m[2], us: Number(m[3]), bytes: Number(m[4]) });
    }
    return { painted, compiled };
  } finally {
    await context.close();
  }
}

/** Totals of one load's compilations: baseline (Liftoff) functions and bytes, tiered-up
 *  (TurboFan) functions. */
export function compileTotals(compiled) {
  const baseline = compiled.filter((f) => f.compiler === 'Liftoff');
  return {
    baselineFunctions: baseline.length,
    baselineBytes: baseline.reduce((a, f) => a + f.bytes, 0),
    tieredUp: compiled.filter((f) => f.compiler === 'TurboFan').length,
  };
}

/** A wasm module's defined functions: body sizes in index order, the number of imported
 *  functions before them, and the names of its name section (empty when stripped). */
export function wasmFunctions(bytes) {
  let i = 8;
  const leb = () => {
    let r = 0; let s = 0; let b;
    do { b = bytes[i++]; r += (b & 0x7f) * 2 ** s; s += 7; } while (b & 0x80);
    return r;
  };
  const text = () => { const n = leb(); const t = new TextDecoder().decode(bytes.subarray(i, i + n)); i += n; return t; };
  let imported = 0; const sizes = []; const names = new Map();
  while (i < bytes.length) {
    const id = bytes[i++]; const len = leb(); const end = i + len;
    if (id === 2) {
      for (let n = leb(); n > 0; n--) {
        text(); text();
        const kind = bytes[i++];
        if (kind === 0) { leb(); imported++; } // function
        else if (kind === 1) { i++; const flags = leb(); leb(); if (flags & 1) leb(); } // table
        else if (kind === 2) { const flags = leb(); leb(); if (flags & 1) leb(); } // memory
        else if (kind === 3) { i += 2; } // global
        else if (kind === 4) { i++; leb(); } // tag
      }
    } else if (id === 10) {
      for (let n = leb(); n > 0; n--) { const size = leb(); sizes.push(size); i += size; }
    } else if (id === 0 && text() === 'name') {
      while (i < end) {
        const sub = bytes[i++]; const subEnd = leb() + i;
        if (sub === 1) for (let n = leb(); n > 0; n--) { const index = leb(); names.set(index, text()); }
        i = subEnd;
      }
    }
    i = end;
  }
  return { imported, sizes, names };
}
