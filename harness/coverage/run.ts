// `tlsnic coverage` / `make coverage`, and the floor check of `npm test` (test/coverage-floor
// .test.ts): the engines built with Verilator coverage (lines, the RTL's functional cover points
// and toggles; `--lines-only` and the floor check leave toggles out), the default regression run
// through them, the per-run
// counts merged by verilator_coverage, a per-module summary and the floors (./floors.ts).
// The default regression: per direction five seeded scenario runs (in order; loss and faults;
// gaps and stalls; a stream 2 GiB past its start; short records), the bad-input catalogue (every
// malformed-input class and the output holds; TX at the run's width, RX only when that is 128) and the RX
// directed classes (harness/rx/directed.ts: false lock, host resync, ...). Every
// run is still a full model ⇄ RTL comparison (the scenario runs also with the stream oracle), so
// a coverage run is a regression too.
//   OUT/coverage.dat   merged counts (verilator_coverage format)
//   OUT/coverage.info  the same as lcov tracefile (verilator_coverage --write-info)
//   OUT/summary.json   per module: lines, toggles, cover points hit/total; what was not hit; floors
//   OUT/summary.md     the same as Markdown tables
//   OUT/html/          genhtml's report (Debian's lcov), when genhtml is installed
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { RUN_DEFAULTS, type RunOptions } from '../cli/run-options.ts';
import { runTxPart } from '../tx/run.ts';
import { runRxPart } from '../rx/run.ts';
import { buildTxEngineSim, runTxEngine } from '../tx/sim.ts';
import { compareTxRun, runTxModel } from '../tx/compare.ts';
import { directedSoftRun } from '../tx/rexmit-soft-directed.ts';
import { buildRxEngineSim, runRxEngine } from '../rx/sim.ts';
import { compareRxRun, runRxModel } from '../rx/compare.ts';
import { rxDirectedCases, rxDirectedFrames } from '../rx/directed.ts';
import { compareFlowTable, randomFtCmds } from '../rx/flow-table-check.ts';
import { hashKeyFromSeed } from '../../models/flow-table.ts';
import { catalogueModelProblems, CATALOGUE_MAX_FRAME, compareRxBatch, compareTxBatch, rxCatalogueBatch, txCatalogueBatch } from '../bad-input/batch.ts';
import { REPO_ROOT, type CoverageBuild } from '../engine/build-sim.ts';
import type { Width } from '../engine/width.ts';
import { coverageMarkdown, coverageSummary, type CoverageSummary } from './summary.ts';
import { checkFloors, LINE_FLOOR, readWaivers, WAIVER_FILE, type FloorVerdict } from './floors.ts';

export interface CoverageOptions {
  out: string;
  width: Width;
  /** Scenario seeds per run kind (the base seed is 1). */
  seeds: number;
  /** Count toggles too (larger builds, 70–120 s each); the floors do not need them. */
  toggles: boolean;
}

export const COVERAGE_DEFAULTS: CoverageOptions = { out: 'out/coverage', width: 128, seeds: 1, toggles: true };

/** The scenario runs, per direction: in order, with loss and faults, gaps and stalls, a long stream, short records. */
function regressionRuns(seed: number): Partial<RunOptions>[] {
  return [
    { seed },
    { seed: seed + 100, faults: true, loss: 0.05 },
    { seed: seed + 200, gapPermille: 150, stallPermille: 150, loss: 0.05 },
    { seed: seed + 300, streamOffset: 2 ** 31 + 5, loss: 0.03 },
    { seed: seed + 400, recordSizes: [64, 300, 1400], mss: 536, loss: 0.05, faults: true },
  ];
}

/** Stand-alone flow-table sequences: [slots, seed, random commands, MAX_PATH, MAX_READS]. */
const FT_SEQUENCES: readonly (readonly [number, number, number, number, number])[] = [[64, 31, 3000, 4, 256]];

/**
 * The RX build of the catalogue and the directed classes: the one the RX scenario runs use
 * (rxRunTable: 16 contexts, 8 buckets), so the regression needs no RX build of its own for them.
 * The catalogue and the directed classes size themselves for it (rx-bucket-full and the full
 * bucket pair find 13 tuples of one bucket pair of 8).
 */
const RX_COV_NIC = { nCtx: 16, buckets: 8 } as const;

/** Seed of the catalogue batches (the one test/rtl-bad-input.test.ts uses by default). */
const CATALOGUE_SEED = 0xbad1;

export interface CoverageResult {
  summary: CoverageSummary;
  /** The floors' verdict; null at widths other than 128, where they are not defined (below). */
  floors: FloorVerdict | null;
  /** Regression problems (model ⇄ RTL mismatches, oracle findings), one line each. */
  problems: string[];
}

/** Runs the default regression through the coverage builds; returns its problems and run count. */
async function regression(o: CoverageOptions, out: string, log: (line: string) => void): Promise<{ problems: string[]; runs: number }> {
  const kind: CoverageBuild = o.toggles ? 'toggles' : 'lines';
  const problems: string[] = [];
  let n = 0;
  for (let s = 0; s < o.seeds; s++) {
    for (const [i, r] of regressionRuns(1 + s).entries()) {
      // Smaller than `tlsnic run`'s default: the coverage builds simulate more slowly.
      const base: RunOptions = { ...RUN_DEFAULTS, flows: 8, bytesPerFlow: 200_000, rxFlows: 6, rxBytesPerFlow: 150_000, ...r, width: o.width, engine: 'rtl', coverage: kind };
      const txOut = join(out, 'runs', `tx-${s}-${i}`);
      const rxOut = join(out, 'runs', `rx-${s}-${i}`);
      mkdirSync(txOut, { recursive: true });
      mkdirSync(rxOut, { recursive: true });
      const tx = await runTxPart({ ...base, direction: 'tx', out: txOut });
      const rx = await runRxPart({ ...base, flows: base.rxFlows, bytesPerFlow: base.rxBytesPerFlow, out: rxOut });
      problems.push(...tx.problems.map((p) => `tx run ${i} (seed ${base.seed}): ${p}`), ...rx.problems.map((p) => `rx run ${i} (seed ${base.seed}): ${p}`));
      n += 2;
      log(`scenario runs ${i}: TX ${tx.problems.length === 0 ? 'PASS' : 'FAIL'}, RX ${rx.problems.length === 0 ? 'PASS' : 'FAIL'}`);
    }
  }
  // The bad-input catalogue: TX at this width (16 contexts, as the scenario runs), RX at W = 128.
  const txb = txCatalogueBatch(CATALOGUE_SEED, o.width, 16);
  const txBin = await buildTxEngineSim({ width: o.width, nCtx: 16, maxFrame: CATALOGUE_MAX_FRAME, coverage: kind });
  const txRtl = await runTxEngine(txBin, txb.comp.frames, txb.stalls, { directives: txb.comp.directives });
  const txMm = compareTxBatch(txb, txRtl);
  problems.push(...catalogueModelProblems(txb).map((p) => `tx catalogue model: ${p}`), ...(txMm ? [`tx catalogue (seed ${CATALOGUE_SEED}): ${txMm}`] : []));
  n++;
  log(`TX catalogue: ${txb.cases.length} classes, ${txMm ? 'FAIL' : 'PASS'}`);
  // The soft side context's directed runs (issue 17), on the catalogue's build.
  for (const version of ['1.2', '1.3'] as const) {
    const nic = { nCtx: 16, maxFrameBytes: CATALOGUE_MAX_FRAME };
    const d = directedSoftRun(version, version === '1.2' ? 30 : 31, nic);
    const model = runTxModel(d.frames, nic);
    const mm = compareTxRun(model.outputs, model.counters, await runTxEngine(txBin, d.frames, { seed: 7, gapPermille: 50, stallPermille: 50 }), model.completions);
    if (mm) problems.push(`tx soft side context TLS ${version}: ${mm.message}`);
    n++;
    log(`TX soft side context TLS ${version}: ${mm ? 'FAIL' : 'PASS'}`);
  }
  if (o.width === 128) {
    const rxb = rxCatalogueBatch(CATALOGUE_SEED, RX_COV_NIC);
    const rxRtl = await runRxEngine(await buildRxEngineSim({ width: o.width, ...RX_COV_NIC, maxFrame: CATALOGUE_MAX_FRAME, coverage: kind }), rxb.comp.frames, rxb.stalls, { directives: rxb.comp.directives });
    const rxMm = compareRxBatch(rxb, rxRtl);
    problems.push(...catalogueModelProblems(rxb).map((p) => `rx catalogue model: ${p}`), ...(rxMm ? [`rx catalogue (seed ${CATALOGUE_SEED}): ${rxMm}`] : []));
    n++;
    log(`RX catalogue: ${rxb.cases.length} classes, ${rxMm ? 'FAIL' : 'PASS'}`);
  }
  // The RX directed classes (false lock, host resync, half-received headers, ...), on the catalogue's build.
  const rxBin = await buildRxEngineSim({ width: o.width, ...RX_COV_NIC, maxFrame: CATALOGUE_MAX_FRAME, coverage: kind });
  const directed = rxDirectedCases({ ...RX_COV_NIC, maxFrameBytes: CATALOGUE_MAX_FRAME });
  let directedBad = 0;
  for (const [i, c] of directed.entries()) {
    const { frames } = rxDirectedFrames(c, RX_COV_NIC);
    const rtl = await runRxEngine(rxBin, frames, { seed: 1000 + i, gapPermille: 100, stallPermille: 100 });
    const mm = compareRxRun(runRxModel(frames, RX_COV_NIC), rtl);
    if (mm) {
      problems.push(`rx directed "${c.name}": ${mm.message}`);
      directedBad++;
    }
    n++;
  }
  log(`RX directed: ${directed.length} cases, ${directedBad === 0 ? 'PASS' : `${directedBad} FAIL`}`);
  // The RX flow table alone, overfilled by random commands (test/rtl-flow-table.test.ts's first
  // sequence): displacement chains up to MAX_PATH, the stash and its drain, which the engine's
  // half-full tables never reach.
  for (const [nCtx, seed, cmdCount, maxPath, maxReads] of FT_SEQUENCES) {
    const { pool, cmds } = randomFtCmds(nCtx, 2 * nCtx, seed, cmdCount);
    const ft = await compareFlowTable({ nCtx, ids: 2 * nCtx, maxPath, maxReads, coverage: kind }, hashKeyFromSeed(seed), pool, cmds);
    problems.push(...ft.problems.map((p) => `flow table ${nCtx} slots seed ${seed}: ${p}`));
    n++;
    log(`RX flow table: ${nCtx} slots, ${cmdCount} random commands and a fill, ${ft.problems.length === 0 ? 'PASS' : 'FAIL'}`);
  }

  return { problems, runs: n };
}

/** Builds, runs the default regression, merges and summarises; writes everything under o.out. */
export async function runCoverage(o: CoverageOptions, log: (line: string) => void = () => {}): Promise<CoverageResult> {
  const out = resolve(o.out);
  const datDir = join(out, 'dat');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(datDir, { recursive: true });
  // The coverage builds write one file per simulator run here (tb/tb_engine.h).
  const before = process.env.TLSNIC_COVERAGE_DIR;
  process.env.TLSNIC_COVERAGE_DIR = datDir;
  let r: { problems: string[]; runs: number };
  try {
    r = await regression(o, out, log);
  } finally {
    if (before === undefined) delete process.env.TLSNIC_COVERAGE_DIR;
    else process.env.TLSNIC_COVERAGE_DIR = before;
  }
  const { problems, runs } = r;
  const dats = readdirSync(datDir).filter((f) => f.endsWith('.dat')).map((f) => join(datDir, f));
  if (dats.length === 0) throw new Error('tlsnic coverage: the simulator runs wrote no coverage data');
  await execa('verilator_coverage', ['--write', join(out, 'coverage.dat'), ...dats]);
  await execa('verilator_coverage', ['--write-info', join(out, 'coverage.info'), join(out, 'coverage.dat')]);
  const summary = coverageSummary(readFileSync(join(out, 'coverage.dat'), 'latin1'), o.width, runs, o.toggles ? 'toggles' : 'lines');
  // The floors and the waivers are those of the default regression at W = 128: at other widths
  // loops run that have no iteration at 128 (their waivers would read stale) and the RX catalogue
  // is left out (it is cut for 16-byte beats), so the figures are reported, not judged.
  const floors = o.width === FLOOR_WIDTH ? checkFloors(summary, readWaivers(REPO_ROOT), (f) => readFileSync(join(REPO_ROOT, f), 'utf8')) : null;
  writeFileSync(join(out, 'summary.json'), JSON.stringify({ ...summary, floors }, null, 2) + '\n');
  writeFileSync(join(out, 'summary.md'), coverageMarkdown(summary) + floorsMarkdown(floors));
  return { summary, floors, problems };
}

/** The width the floors and docs/coverage-waivers.json are defined for (the default regression's). */
export const FLOOR_WIDTH = 128;

function floorsMarkdown(f: FloorVerdict | null): string {
  if (!f) return `\n## Floors (${WAIVER_FILE})\n\n- not checked: the floors are defined for the default regression at W = ${FLOOR_WIDTH}\n`;
  const L = ['', `## Floors (${WAIVER_FILE})`, '',
    `- lines reached: ${f.lines.hit} / ${f.lines.total} (${(100 * f.lines.share).toFixed(1)} %; floor ${100 * LINE_FLOOR} %)`,
    `- lines not reached: ${f.missedLines.length}, waived ${f.missedLines.filter((l) => l.waived).length}`,
    f.problems.length === 0 ? '- PASS: every floor holds' : `- FAIL: ${f.problems.length} problem(s)`];
  for (const p of f.problems) L.push(`  - ${p}`);
  return L.join('\n') + '\n';
}

export async function coverageCommand(o: CoverageOptions): Promise<number> {
  console.log(`tlsnic coverage: W=${o.width}, ${o.toggles ? 'lines, cover points and toggles' : 'lines and cover points'}, ${o.seeds} seed(s) × ${regressionRuns(1).length} scenario runs per direction + the bad-input catalogue + the RX directed classes + the flow table, out ${resolve(o.out)}`);
  const r = await runCoverage(o, (l) => console.log(l));
  const out = resolve(o.out);
  console.log(readFileSync(join(out, 'summary.md'), 'utf8'));
  const genhtml = await execa('genhtml', ['--quiet', '--output-directory', join(out, 'html'), join(out, 'coverage.info')], { reject: false, all: true });
  console.log(genhtml.exitCode === 0 ? `html: ${join(out, 'html', 'index.html')}` : `html: not written (genhtml: ${String(genhtml.all ?? '').split('\n')[0] || 'not installed'})`);
  console.log(`summary: ${join(out, 'summary.json')}`);
  for (const p of r.problems) console.log(`PROBLEM ${p}`);
  const below = r.floors?.problems.length ?? 0;
  const bad = r.problems.length + below;
  console.log(bad === 0 ? 'PASS' : `FAIL: ${r.problems.length} problem(s) in the regression runs, ${below} below the floors`);
  return bad === 0 ? 0 : 1;
}
