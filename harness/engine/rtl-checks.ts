// Static checks of RTL blocks, run from the tests: Verilator lint (-Wall must be silent) and a
// Yosys generic synthesis that must pass `check -assert` and infer no latch.
import { execa } from 'execa';
import { includeDirs, REPO_ROOT } from './build-sim.ts';

export interface RtlBlock {
  top: string;
  /** Package first. */
  sources: readonly string[];
  params?: Readonly<Record<string, number>>;
}

export interface SynthOptions {
  /**
   * Stop after Yosys' coarse-grain phase (`synth -run begin:fine`): elaboration, proc (where
   * latches would be inferred), opt, memory; skips techmapping and ABC, the slow part for large
   * XOR networks. For tops whose sub-blocks are fully synthesized elsewhere.
   */
  coarseOnly?: boolean;
}

export interface LintResult {
  ok: boolean;
  /** Everything Verilator printed (empty when clean). */
  output: string;
}

export async function verilatorLint(b: RtlBlock): Promise<LintResult> {
  const params = Object.entries(b.params ?? {}).map(([k, v]) => `-G${k}=${v}`);
  const r = await execa('verilator', ['--lint-only', '-Wall', ...includeDirs(b.sources).map((d) => `-I${d}`), '--top-module', b.top, ...params, ...b.sources], { cwd: REPO_ROOT, reject: false, all: true });
  const output = String(r.all ?? '').trim();
  return { ok: r.exitCode === 0 && output === '', output };
}

export interface SynthResult {
  ok: boolean;
  /** "Latch inferred" messages and latch cells; must be empty. */
  latches: string[];
  /** Cell counts by type from `stat`. */
  cells: Record<string, number>;
  seconds: number;
  /** Tail of the log when something failed. */
  logTail: string;
}

export async function yosysSynth(b: RtlBlock, opt: SynthOptions = {}): Promise<SynthResult> {
  const chparams = Object.entries(b.params ?? {}).map(([k, v]) => `chparam -set ${k} ${v} ${b.top}; `).join('');
  const run = opt.coarseOnly ? ' -run begin:fine' : '';
  const script = `read_verilog -sv ${includeDirs(b.sources).map((d) => `-I ${d} `).join('')}${b.sources.join(' ')}; ${chparams}synth -top ${b.top}${run}; check -assert; stat`;
  const t0 = Date.now();
  const r = await execa('yosys', ['-p', script], { cwd: REPO_ROOT, reject: false, all: true, maxBuffer: 1 << 30 });
  const log = String(r.all ?? '');
  const latches = log.split('\n').filter((l) => /Latch inferred for|\$_DLATCH|\$dlatch\b/.test(l.trim()) && !/Executing|PROC_DLATCH/.test(l));
  const cells: Record<string, number> = {};
  // The last `stat` block is the whole design (after the design hierarchy summary).
  const lastStat = log.lastIndexOf('=== design hierarchy ===');
  for (const m of log.slice(lastStat >= 0 ? lastStat : 0).matchAll(/^\s+(\$\w+)\s+(\d+)$/gm)) {
    cells[m[1] as string] = Number(m[2]);
  }
  return { ok: r.exitCode === 0, latches, cells, seconds: (Date.now() - t0) / 1000, logTail: log.slice(-3000) };
}
