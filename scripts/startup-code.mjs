// Which of the app's wasm code a cold start compiles, by crate and by function
// (make startup-code). What V8 compiles is read as tests/e2e/wasm-compiles.mjs reads it (the
// performance test guards its total); the names come from the same build with its name section
// kept (wasm-bindgen --keep-debug, wasm-opt -g), checked to hold the served build's code,
// function for function.
//
// Needs the local stack (make demo) serving a `make dist` build. Writes
// artifacts/startup-code.json. usage: node scripts/startup-code.mjs [LOADS]
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchCompileTracer, coldLoadCompiles, compileTotals, wasmFunctions } from '../tests/e2e/wasm-compiles.mjs';

const BASE = process.env.EXPLORER_URL ?? 'http://127.0.0.1:8889/explorer/';
const LOADS = Number(process.argv[2] ?? 3);
const DIST = 'dist';
const RAW = 'target/wasm32-unknown-unknown/release/explorer.wasm';

/** The served build's functions, and the names of the same build. */
function builds() {
  const served = readdirSync(DIST).find((f) => f.endsWith('_bg.wasm'));
  if (!served) throw new Error(`no wasm in ${DIST}/: run make dist`);
  const page = readFileSync('index.html', 'utf8');
  const level = page.match(/data-wasm-opt="(\w+)"/)?.[1] ?? 's';
  const params = (page.match(/data-wasm-opt-params="([^"]*)"/)?.[1] ?? '').split(/\s+/).filter(Boolean);
  const dir = mkdtempSync(join(tmpdir(), 'startup-code-'));
  try {
    execFileSync('wasm-bindgen', ['--target', 'web', '--keep-debug', '--out-dir', dir, '--out-name', 'named', RAW]);
    execFileSync('wasm-opt', [`-O${level}`, '-g', ...params, join(dir, 'named_bg.wasm'), '-o', join(dir, 'named.wasm')]);
    const named = wasmFunctions(readFileSync(join(dir, 'named.wasm')));
    const live = wasmFunctions(readFileSync(join(DIST, served)));
    const same = named.imported === live.imported && named.sizes.length === live.sizes.length
      && named.sizes.every((s, k) => s === live.sizes[k]);
    if (!same) throw new Error(`${RAW} is not the build in ${DIST}/ (function bodies differ): run make dist`);
    return { live, names: named.names };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The crate a symbol belongs to: `serde_yaml::de::f` and `<serde_yaml::X as Y>::f` are
 *  serde_yaml's; `<T as tachys::Y>::f`, a generic's, is tachys'. */
function crateOf(name) {
  const qualified = name.match(/^<(?:&(?:mut )?)?([^<>]+?) as ([A-Za-z_]\w*)/);
  const path = qualified && !qualified[1].includes('::') ? qualified[2] : name.replace(/^<(&(mut )?|dyn )?/, '');
  return path.match(/^([A-Za-z_]\w*)/)?.[1] ?? '?';
}

function summarise(load, { live, names }) {
  const compiled = load.compiled.map((f) => {
    const name = names.get(f.index) ?? `wasm-function#${f.index}`;
    return { ...f, name, crate: crateOf(name) };
  });
  const byCrate = new Map();
  for (const f of compiled.filter((c) => c.compiler === 'Liftoff')) {
    const c = byCrate.get(f.crate) ?? { crate: f.crate, functions: 0, bytes: 0 };
    c.functions++; c.bytes += f.bytes; byCrate.set(f.crate, c);
  }
  const optimised = compiled.filter((f) => f.compiler === 'TurboFan').sort((a, b) => b.us - a.us);
  return {
    paintedMs: Math.round(load.painted),
    moduleFunctions: live.sizes.length,
    moduleBytes: live.sizes.reduce((a, b) => a + b, 0),
    ...compileTotals(load.compiled),
    baselineByCrate: [...byCrate.values()].sort((a, b) => b.bytes - a.bytes),
    tieredUpCompileMs: Math.round(optimised.reduce((a, f) => a + f.us, 0) / 100) / 10,
    tieredUpList: optimised.map(({ name, bytes, us }) => ({ name, bytes, ms: Math.round(us / 100) / 10 })),
  };
}

const build = builds();
const tracer = await launchCompileTracer();
const summaries = [];
try {
  for (let n = 0; n < LOADS; n++) summaries.push(summarise(await coldLoadCompiles(tracer, BASE), build));
} finally {
  await tracer.close();
}
if (summaries.some((s) => s.baselineFunctions === 0)) throw new Error('V8 printed no compilation lines');

mkdirSync('artifacts', { recursive: true });
writeFileSync('artifacts/startup-code.json', JSON.stringify(summaries, null, 2));
const kb = (b) => `${(b / 1000).toFixed(1)} KB`;
for (const [n, s] of summaries.entries()) {
  console.log(`cold load ${n + 1}: diagram painted at ${s.paintedMs} ms; baseline-compiled ${s.baselineFunctions} of ${s.moduleFunctions} functions, `
    + `${kb(s.baselineBytes)} of ${kb(s.moduleBytes)}; tiered up ${s.tieredUp} (${s.tieredUpCompileMs} ms of optimising compiles)`);
}
const last = summaries[summaries.length - 1];
console.log('\nbaseline-compiled by crate (last load):');
for (const c of last.baselineByCrate.slice(0, 15)) console.log(`  ${kb(c.bytes).padStart(9)}  ${String(c.functions).padStart(5)} functions  ${c.crate}`);
console.log('\ntiered up during the start (last load), slowest compile first:');
for (const f of last.tieredUpList.slice(0, 12)) console.log(`  ${String(f.ms).padStart(6)} ms  ${String(f.bytes).padStart(6)} B  ${f.name.slice(0, 110)}`);
console.log('\nartifacts/startup-code.json');
