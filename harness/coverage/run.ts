// `tlsnic coverage` / `make coverage`: the engines built with Verilator coverage (lines, toggles and
// the RTL's functional cover points), the regression scenarios run through them — each run still a
// full model ⇄ RTL comparison with the stream oracle, so a coverage run is also a regression — the
// per-run counts merged by verilator_coverage, and a per-module summary:
//   OUT/coverage.dat   merged counts (verilator_coverage format)
//   OUT/coverage.info  the same as lcov tracefile (verilator_coverage --write-info)
//   OUT/summary.json   per module: lines, toggles, cover points hit/total; the cover points not hit
//   OUT/summary.md     the same as a Markdown table
//   OUT/html/          genhtml's report (Debian's lcov), when genhtml is installed
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { RUN_DEFAULTS, type RunOptions } from '../cli/run-options.ts';
import { runTxPart } from '../tx/run.ts';
import { runRxPart } from '../rx/run.ts';
import type { Width } from '../engine/width.ts';

export interface CoverageOptions {
  out: string;
  width: Width;
  /** Scenario seeds per run kind (the base seed is 1). */
  seeds: number;
}

export const COVERAGE_DEFAULTS: CoverageOptions = { out: 'out/coverage', width: 128, seeds: 1 };

/** The regression runs, per direction: in order, with loss, faults, long streams, short records. */
function regressionRuns(seed: number): Partial<RunOptions>[] {
  return [
    { seed },
    { seed: seed + 100, faults: true, loss: 0.05 },
    { seed: seed + 200, gapPermille: 150, stallPermille: 150, loss: 0.05 },
    { seed: seed + 300, streamOffset: 2 ** 31 + 5, loss: 0.03 },
    { seed: seed + 400, recordSizes: [64, 300, 1400], mss: 536, loss: 0.05, faults: true },
  ];
}

/** Coverage kind of a point from its page (v_line, v_branch, v_expr: lines; v_toggle; v_user). */
type Kind = 'lines' | 'toggles' | 'points';

export interface ModuleCoverage {
  module: string;
  file: string;
  lines: { hit: number; total: number };
  toggles: { hit: number; total: number };
  points: { hit: number; total: number };
  /** Cover points never hit: `hierarchy.name` (label) with file:line. */
  missedPoints: string[];
}

export interface CoverageSummary {
  width: number;
  runs: number;
  modules: ModuleCoverage[];
  total: { lines: { hit: number; total: number }; toggles: { hit: number; total: number }; points: { hit: number; total: number } };
}

/** Parses a verilator_coverage data file into per-module counts (the RTL in rtl/ only). */
export function summarizeCoverage(datText: string): ModuleCoverage[] {
  const mods = new Map<string, { file: string; lines: Map<string, number>; toggles: [number, number]; points: [number, number]; missed: string[] }>();
  for (const raw of datText.split('\n')) {
    const m = /^C '(.*)' (\d+)$/.exec(raw);
    if (!m) continue;
    const fields = new Map<string, string>();
    for (const kv of m[1].split('\x01')) {
      const j = kv.indexOf('\x02');
      if (j > 0) fields.set(kv.slice(0, j), kv.slice(j + 1));
    }
    const file = fields.get('f') ?? '';
    const page = fields.get('page') ?? '';
    if (!/(^|\/)rtl\//.test(file)) continue;
    // Verilator names a parameterised module's copies module__<params>: one row per module.
    const module = (page.split('/')[1] ?? file).replace(/__.*$/, '');
    const kind: Kind = page.startsWith('v_toggle') ? 'toggles' : page.startsWith('v_user') ? 'points' : 'lines';
    const count = Number(m[2]);
    let e = mods.get(module);
    if (!e) mods.set(module, (e = { file: file.replace(/^.*?(rtl\/)/, '$1'), lines: new Map(), toggles: [0, 0], points: [0, 0], missed: [] }));
    if (kind === 'lines') {
      const key = `${file}:${fields.get('l')}`;
      e.lines.set(key, Math.max(e.lines.get(key) ?? 0, count));
    } else if (kind === 'toggles') {
      e.toggles[1]++;
      if (count > 0) e.toggles[0]++;
    } else {
      e.points[1]++;
      if (count > 0) e.points[0]++;
      else e.missed.push(`${fields.get('h') ?? ''}.${fields.get('o') ?? ''} (${file.replace(/^.*?(rtl\/)/, '$1')}:${fields.get('l')})`);
    }
  }
  return [...mods.entries()].map(([module, e]) => ({
    module,
    file: e.file,
    lines: { hit: [...e.lines.values()].filter((c) => c > 0).length, total: e.lines.size },
    toggles: { hit: e.toggles[0], total: e.toggles[1] },
    points: { hit: e.points[0], total: e.points[1] },
    missedPoints: e.missed.sort(),
  })).sort((a, b) => a.module.localeCompare(b.module));
}

const pct = (x: { hit: number; total: number }) => (x.total === 0 ? '—' : `${((100 * x.hit) / x.total).toFixed(1)} %`);
const frac = (x: { hit: number; total: number }) => `${x.hit} / ${x.total}`;

export function coverageMarkdown(s: CoverageSummary): string {
  const L = [`# RTL coverage (W = ${s.width}, ${s.runs} regression runs)`, '',
    '| module | lines | | toggles | | cover points | |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: |'];
  for (const m of [...s.modules, { module: '**all**', ...s.total } as ModuleCoverage]) {
    L.push(`| ${m.module} | ${frac(m.lines)} | ${pct(m.lines)} | ${frac(m.toggles)} | ${pct(m.toggles)} | ${frac(m.points)} | ${pct(m.points)} |`);
  }
  const missed = s.modules.flatMap((m) => m.missedPoints);
  L.push('', missed.length ? `Cover points not hit (${missed.length}):` : 'Every cover point was hit.');
  for (const p of missed) L.push(`- ${p}`);
  return L.join('\n') + '\n';
}

export async function coverageCommand(o: CoverageOptions): Promise<number> {
  const out = resolve(o.out);
  const datDir = join(out, 'dat');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(datDir, { recursive: true });
  // The coverage builds write one file per simulator run here (tb/tb_engine.h).
  process.env.TLSNIC_COVERAGE_DIR = datDir;
  console.log(`tlsnic coverage: W=${o.width}, ${o.seeds} seed(s) × ${regressionRuns(1).length} runs per direction, out ${out}`);
  const problems: string[] = [];
  let runs = 0;
  for (let s = 0; s < o.seeds; s++) {
    for (const [i, r] of regressionRuns(1 + s).entries()) {
      // Smaller than `tlsnic run`'s default: the coverage builds simulate several times slower.
      const base: RunOptions = { ...RUN_DEFAULTS, flows: 8, bytesPerFlow: 200_000, rxFlows: 6, rxBytesPerFlow: 150_000, ...r, width: o.width, engine: 'rtl', coverage: true };
      const txOut = join(out, 'runs', `tx-${s}-${i}`);
      const rxOut = join(out, 'runs', `rx-${s}-${i}`);
      mkdirSync(txOut, { recursive: true });
      mkdirSync(rxOut, { recursive: true });
      const tx = await runTxPart({ ...base, direction: 'tx', out: txOut });
      const rx = await runRxPart({ ...base, flows: base.rxFlows, bytesPerFlow: base.rxBytesPerFlow, out: rxOut });
      problems.push(...tx.problems.map((p) => `tx run ${i} (seed ${base.seed}): ${p}`), ...rx.problems.map((p) => `rx run ${i} (seed ${base.seed}): ${p}`));
      runs += 2;
    }
  }
  const dats = readdirSync(datDir).filter((f) => f.endsWith('.dat')).map((f) => join(datDir, f));
  if (dats.length === 0) throw new Error('tlsnic coverage: the simulator runs wrote no coverage data');
  await execa('verilator_coverage', ['--write', join(out, 'coverage.dat'), ...dats]);
  await execa('verilator_coverage', ['--write-info', join(out, 'coverage.info'), join(out, 'coverage.dat')]);
  const modules = summarizeCoverage(readFileSync(join(out, 'coverage.dat'), 'latin1'));
  const add = (k: 'lines' | 'toggles' | 'points') => modules.reduce((a, m) => ({ hit: a.hit + m[k].hit, total: a.total + m[k].total }), { hit: 0, total: 0 });
  const summary: CoverageSummary = { width: o.width, runs, modules, total: { lines: add('lines'), toggles: add('toggles'), points: add('points') } };
  writeFileSync(join(out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  const md = coverageMarkdown(summary);
  writeFileSync(join(out, 'summary.md'), md);
  console.log(md);
  const genhtml = await execa('genhtml', ['--quiet', '--output-directory', join(out, 'html'), join(out, 'coverage.info')], { reject: false, all: true });
  console.log(genhtml.exitCode === 0 ? `html: ${join(out, 'html', 'index.html')}` : `html: not written (genhtml: ${String(genhtml.all ?? '').split('\n')[0] || 'not installed'})`);
  console.log(`summary: ${join(out, 'summary.json')}`);
  for (const p of problems) console.log(`PROBLEM ${p}`);
  console.log(problems.length === 0 ? 'PASS' : `FAIL: ${problems.length} problem(s) in the regression runs`);
  return problems.length === 0 ? 0 : 1;   // verilator_coverage threw above if it wrote no coverage.info
}
