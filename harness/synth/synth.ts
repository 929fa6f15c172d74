// The FPGA synthesis handoff: builds build/synth/<target>/, the bundle an FPGA team takes, and
// proves that what Yosys builds is the design that was verified.
//
// Steps (runSynth): copy the engine's RTL (txEngineSources(), compile order) into the bundle with
// a wrapper that fixes the configuration; write the file list, parameters and timing-constraint
// templates; Verilator lint -Wall of exactly those files; Yosys flows (generic: Yosys's own cell
// library; xilinx: synth_xilinx for UltraScale+); checks on each flow's log, statistics and
// netlist; and the post-synthesis simulation: the generic netlist, written as Verilog, built with
// Verilator around the same bench as the RTL and run through the golden-model regression.
// Everything lands in report.json and report.md.
//
// Yosys results are cached under build/synth/.cache/<flow>-<hash>, the hash covering the Yosys
// version, the script and every source byte, so a second run of an unchanged design (another
// `npm test`, `tlsnic synth` after the test) reuses them.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { execa } from 'execa';
import { includeDirs, REPO_ROOT } from '../engine/build-sim.ts';
import { txEngineSources } from '../tx/sim.ts';
import { writeConstraints } from './constraints.ts';
import { checkFlow, checkLint, type SynthCheck } from './checks.ts';
import { parseFlowResult, type FlowResult } from './parse.ts';
import { runNetlistResim, type ResimResult } from './resim.ts';
import { writeReports } from './report.ts';
import { scanYosysSubset } from './subset.ts';
import { SYNTH_TOP, type Bundle, type BundleFile, type SynthFlow, type SynthTarget } from './types.ts';
import type { SynthReport } from './report.ts';

export { SYNTH_TOP, type Bundle, type BundleFile, type ResimPlan, type SynthFlow, type SynthTarget } from './types.ts';
export type { SynthReport } from './report.ts';

/** Yosys results by content hash (see the header). */
export const SYNTH_CACHE_DIR = join(REPO_ROOT, 'build', 'synth', '.cache');

export const SYNTH_TARGETS: Readonly<Record<'reduced' | 'full', SynthTarget>> = {
  // What `npm test` runs: the smallest datapath and flow table; generic flow and re-simulation.
  reduced: {
    name: 'reduced',
    width: 128,
    nCtx: 16,
    maxFrame: 9600,
    clockMhz: 250,
    flows: ['generic'],
    resim: { seed: 7, flows: 4, bytesPerFlow: 30_000, faults: true, loss: 0.05, gapPermille: 100, stallPermille: 200 },
    // Measured after the GHASH multiplies became trees (issue 16): generic 54 LUT6 levels, xilinx
    // (opt-in here) 103 LUT/MUXF/CARRY levels, both in the front end's item loop and the back
    // end's checksum; the goal is 8 (LUT_LEVEL_GOAL). Generic 55 since session 7's RTL changes (the
    // TX front end's refusal of resync loads with flags other than START, the parser's class
    // output): the same path, fr_ctx_q -> s_tready_o, one level deeper in `abc -fast`'s mapping.
    // Generic 62 since session 8's retransmission side context and completion stream (issue 17):
    // the front end's frame decision into its counters and working copy (fr_ctx_q -> cnt_q, wk_q;
    // the side context's header compare and lane count join it) and the back end's B1 -> checksum
    // (b0_q.ctx -> ob_csum); s_tready_o 58. Neither the lane-0 keystream select nor the known-tag
    // select alone moves it (each removed in turn: still 62). The cut is issue 16's pipelining.
    // Session 9: 64 with the soft side context (its place compare joins the frame decision), then
    // 60 after four cuts: the counter bank adds a cycle after the frame's end, the context id's
    // range check and the flow tables' forwarding select are registered, and the back end's TCP
    // checksum has a stage of its own (B3; the back end 61 -> 51). The deepest paths now start at
    // the front end's frame registers (fr_kind_q -> the working copy wk_q and the item register
    // into the AES pipeline, 60; -> s_tready_o 57).
    // Session 11: the back end's context state meets one multiply (B1 lists, B2 products, B3 state,
    // B4 tag bytes and beat): the back end 51 -> 31, its deepest path now the TCP checksum of B5
    // (adders without carry chains in this mapping); its state loop (b2_q -> wk_q) 17. The block
    // ceilings hold what is already reached: the back end, and the blocks at the goal. Then the
    // multiplier became one Karatsuba level (6 LUT6 levels alone, 5 before; a quarter fewer LUTs):
    // the state loop 19. The front end's item loop, unchanged RTL, maps to 60 or 61 levels
    // depending on the rest of the flattened netlist (abc -fast): the ceiling is 61.
    // Session 12: the TCP checksum over four stages (B5 .. B8) and the global enable a register:
    // the back end 31 -> 25 (now B1's list assembly, b0_q -> b1_lanes), its state loop (u_ctx's
    // working copy) 19 and held on its own; the enable itself 7, the H table's read no longer
    // behind it. The AES data lanes read S-box ROMs (registered): 3 levels a stage, the key
    // schedule 7.
    maxLutLevels: { generic: 61, xilinx: 103 },
    maxBlockLevels: { generic: { 'u_engine.u_back': 25, 'u_engine.u_back.u_ctx': 19, 'u_engine.u_aes': 8, 'u_engine.u_compl': 8, 'u_engine.u_outbuf': 8 } },
    yosysTimeoutMinutes: 30,
  },
  // The design point: 512-bit AXI-Stream (100G class at >= 200 MHz), 65,536 connections.
  full: {
    name: 'full',
    width: 512,
    nCtx: 65536,
    maxFrame: 9600,
    clockMhz: 250,
    flows: ['xilinx'],
    resim: null,
    // Not measured since the multiplies became trees: reported, not checked.
    maxLutLevels: {},
    yosysTimeoutMinutes: 120,
  },
};

export interface SynthOptions {
  /** Bundle root; default build/synth. */
  outRoot?: string;
  /**
   * Directory of .sv files that replace rtl/ files of the same name: for trying a patch proposed
   * to the RTL owners. The report names every replaced file; lint, synthesis and simulation all
   * see the same replaced list.
   */
  rtlOverlay?: string;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** Copies the sources and writes the wrapper, file list, parameters and constraints. */
export function prepareBundle(target: SynthTarget, opts: SynthOptions = {}): Bundle {
  const dir = resolve(opts.outRoot ?? join(REPO_ROOT, 'build', 'synth'), target.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'rtl'), { recursive: true });
  const overlay: string[] = [];
  const copy = (src: string): BundleFile => {
    const name = basename(src);
    const over = opts.rtlOverlay ? join(resolve(opts.rtlOverlay), name) : '';
    const from = over && existsSync(over) ? over : join(REPO_ROOT, src);
    if (from === over) overlay.push(name);
    copyFileSync(from, join(dir, 'rtl', name));
    return { path: `rtl/${name}`, origin: from === over ? `overlay:${name}` : src, sha256: sha256(readFileSync(from)) };
  };
  const sources = txEngineSources();
  const files: BundleFile[] = sources.map(copy);
  // The sources' include files: flat beside them, where Yosys finds them; Verilator gets -Irtl.
  const includes: BundleFile[] = includeDirs(sources)
    .flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.svh')).sort().map((f) => relative(REPO_ROOT, join(d, f))))
    .map(copy);
  const parameters = { W: target.width, N_CTX: target.nCtx, MAX_FRAME: target.maxFrame };
  const aesLanes = target.width / 128 + 1;
  const wrapper = wrapperText(target, aesLanes);
  writeFileSync(join(dir, `${SYNTH_TOP}.sv`), wrapper);
  files.push({ path: `${SYNTH_TOP}.sv`, origin: 'generated', sha256: sha256(wrapper) });
  writeFileSync(join(dir, 'files.f'), files.map((f) => f.path).join('\n') + '\n');
  writeFileSync(join(dir, 'parameters.json'), JSON.stringify({ top: SYNTH_TOP, engine: 'tlsnic_tx_engine', ...parameters, aesLanes, ciphers: CIPHERS }, null, 2) + '\n');
  writeConstraints(dir, SYNTH_TOP, target.clockMhz, target.width);
  return { target, dir, files, includes, parameters, aesLanes, overlay };
}

/** The engine always carries both key sizes; TLS 1.2 and 1.3 record formats. */
export const CIPHERS = ['AES-128-GCM (TLS 1.2 and 1.3)', 'AES-256-GCM (TLS 1.2 and 1.3)'] as const;

function wrapperText(t: SynthTarget, lanes: number): string {
  const w = t.width;
  // The generated files still name harness/synth.ts (not harness/synth/synth.ts): they are
  // synthesis inputs, and an unchanged bundle keeps the Yosys cache (and the handoff) byte-identical.
  return `// ${SYNTH_TOP}: tlsnic_tx_engine fixed at one configuration, generated by harness/synth.ts
// (target "${t.name}"). Same ports as tlsnic_tx_engine (docs/tx-engine-interface.md).
//   W         = ${w}    AXI-Stream tdata bits (${w / 8} bytes a beat)
//   N_CTX     = ${t.nCtx}    flow-table entries (offloaded connections)
//   MAX_FRAME = ${t.maxFrame}    largest packet frame forwarded, bytes
//   LANES     = ${lanes}    AES-128/256 lanes (W/128 + 1, derived inside the engine)
//   ciphers   = AES-128-GCM and AES-256-GCM, TLS 1.2 and TLS 1.3 (always both; no parameter)
module ${SYNTH_TOP} (
  input  logic           clk_i,
  input  logic           rst_ni,
  input  logic           s_tvalid_i,
  output logic           s_tready_o,
  input  logic [${w - 1}:0]   s_tdata_i,
  input  logic [${w / 8 - 1}:0]    s_tkeep_i,
  input  logic           s_tlast_i,
  input  logic [18:0]    s_tuser_i,
  output logic           m_tvalid_o,
  input  logic           m_tready_i,
  output logic [${w - 1}:0]   m_tdata_o,
  output logic [${w / 8 - 1}:0]    m_tkeep_o,
  output logic           m_tlast_o,
  output logic           c_tvalid_o,
  input  logic           c_tready_i,
  output logic [207:0]   c_tdata_o,
  input  logic [4:0]     cnt_sel_i,
  output logic [63:0]    cnt_value_o
);

  tlsnic_tx_engine #(
    .W        (${w}),
    .N_CTX    (${t.nCtx}),
    .MAX_FRAME(${t.maxFrame})
  ) u_engine (
    .clk_i, .rst_ni,
    .s_tvalid_i, .s_tready_o, .s_tdata_i, .s_tkeep_i, .s_tlast_i, .s_tuser_i,
    .m_tvalid_o, .m_tready_i, .m_tdata_o, .m_tkeep_o, .m_tlast_o,
    .c_tvalid_o, .c_tready_i, .c_tdata_o,
    .cnt_sel_i, .cnt_value_o
  );

endmodule
`;
}

let yosysVersion: string | undefined;
export async function getYosysVersion(): Promise<string> {
  yosysVersion ??= (await execa('yosys', ['-V'])).stdout.trim();
  return yosysVersion;
}

/** The flow's Yosys script with bundle-relative paths ({{OUT}} = the flow's output directory). */
export function flowScript(bundle: Bundle, flow: SynthFlow, out: string): string {
  const tmpl = readFileSync(join(REPO_ROOT, 'synth', `${flow}.ys`), 'utf8');
  const read = `read_verilog -sv -I rtl ${bundle.files.map((f) => f.path).join(' ')}`;
  return tmpl.replaceAll('{{READ}}', read).replaceAll('{{TOP}}', SYNTH_TOP).replaceAll('{{OUT}}', out);
}

/** Runs one Yosys flow (or takes it from the cache) and copies its outputs into the bundle. */
export async function runYosysFlow(bundle: Bundle, flow: SynthFlow, log: (s: string) => void = () => {}): Promise<FlowResult> {
  const outName = `yosys-${flow}`;
  const script = flowScript(bundle, flow, outName);
  const h = createHash('sha256').update(await getYosysVersion()).update(script);
  for (const f of [...bundle.files, ...bundle.includes]) h.update(f.path).update(f.sha256);
  const key = `${flow}-${h.digest('hex').slice(0, 16)}`;
  const cacheRoot = SYNTH_CACHE_DIR;
  const cached = join(cacheRoot, key);
  const dest = join(bundle.dir, outName);
  if (!existsSync(join(cached, 'done.json'))) {
    log(`yosys ${flow}: running (${SYNTH_TOP}, W=${bundle.parameters.W}, N_CTX=${bundle.parameters.N_CTX})`);
    // Yosys writes into <bundle>/<outName> (the script's relative paths), then the directory is
    // copied into the cache; the cache entry appears only when complete.
    mkdirSync(dest, { recursive: true });
    writeFileSync(join(dest, 'script.ys'), script);
    const t0 = Date.now();
    const timeoutMin = bundle.target.yosysTimeoutMinutes;
    const r = await execa('yosys', ['-q', '-l', `${outName}/yosys.log`, '-s', `${outName}/script.ys`], {
      cwd: bundle.dir, reject: false, all: true, maxBuffer: 1 << 28, timeout: timeoutMin * 60_000,
    });
    const seconds = (Date.now() - t0) / 1000;
    const output = String(r.all ?? '').slice(-20000);
    if (r.timedOut) {
      // Not cached: a slower machine or a busier hour is not a property of the design.
      writeFileSync(join(dest, 'done.json'), JSON.stringify({ exitCode: -1, seconds, output: `ERROR: stopped after the ${timeoutMin}-minute bound (yosysTimeoutMinutes)\n${output}` }, null, 2));
      return parseFlowResult(flow, dest, key);
    }
    writeFileSync(join(dest, 'done.json'), JSON.stringify({ exitCode: r.exitCode, seconds, output }, null, 2));
    mkdirSync(cacheRoot, { recursive: true });
    const tmp = `${cached}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    await execa('cp', ['-r', dest, tmp]);
    rmSync(cached, { recursive: true, force: true });
    renameSync(tmp, cached);
  } else {
    log(`yosys ${flow}: cached result ${key}`);
    rmSync(dest, { recursive: true, force: true });
    await execa('cp', ['-r', cached, dest]);
  }
  return parseFlowResult(flow, dest, key);
}

/** Verilator lint -Wall of the bundle's file list under the wrapper. */
export async function lintBundle(bundle: Bundle): Promise<{ ok: boolean; output: string; seconds: number }> {
  const t0 = Date.now();
  const r = await execa('verilator', ['--lint-only', '-Wall', '-Irtl', '--top-module', SYNTH_TOP, ...bundle.files.map((f) => f.path)], {
    cwd: bundle.dir, reject: false, all: true,
  });
  const output = String(r.all ?? '').trim();
  writeFileSync(join(bundle.dir, 'lint.txt'), output === '' ? '(clean)\n' : output + '\n');
  return { ok: r.exitCode === 0 && output === '', output, seconds: (Date.now() - t0) / 1000 };
}

/** The whole handoff for one target: bundle, lint, flows, checks, re-simulation, reports. */
export async function runSynth(target: SynthTarget, opts: SynthOptions = {}): Promise<SynthReport> {
  const log = opts.log ?? (() => {});
  const bundle = prepareBundle(target, opts);
  log(`bundle ${bundle.dir}: ${bundle.files.length} files${bundle.overlay.length ? `, overlay: ${bundle.overlay.join(', ')}` : ''}`);
  const lint = await lintBundle(bundle);
  log(`verilator lint -Wall: ${lint.ok ? 'clean' : 'NOT clean'}`);
  const checks: SynthCheck[] = [checkLint(lint)];
  // Every construct outside Yosys's subset, with file and line (Yosys stops at the first one).
  const subset = scanYosysSubset(bundle.dir, [...bundle.files, ...bundle.includes].map((f) => f.path));
  checks.push({
    name: 'yosys-subset',
    flow: 'lint',
    ok: subset.length === 0,
    detail: subset.length === 0 ? 'no import pkg::*, return, $bits(<type>), type casts, streaming operators, multi-dimensional packed arrays'
      : subset.map((v) => `${v.file}:${v.line}: ${v.construct}: \`${v.text}\` (fix: ${v.fix})`).join('\n'),
  });
  const flows: FlowResult[] = [];
  for (const flow of target.flows) {
    const res = await runYosysFlow(bundle, flow, log);
    flows.push(res);
    const fc = checkFlow(res, bundle);
    checks.push(...fc);
    log(`yosys ${flow}: ${res.ok ? `${res.seconds.toFixed(0)} s, ${res.peakMemMb.toFixed(0)} MB peak` : `FAILED: ${res.error}`}; checks ${fc.filter((c) => c.ok).length}/${fc.length} pass`);
  }
  let resim: ResimResult | null = null;
  const generic = flows.find((f) => f.flow === 'generic');
  if (target.resim) {
    if (generic?.ok) {
      log(`post-synthesis simulation: building the netlist with Verilator`);
      // The cache entry's copy: its path depends only on the netlist's inputs, so the simulator
      // build (keyed by source paths and contents) is reused by every bundle of the same design.
      resim = await runNetlistResim(bundle, join(SYNTH_CACHE_DIR, generic.cacheKey, 'netlist.v'), target.resim, log);
      checks.push({ name: 'resim-sbox-equivalence', flow: 'generic', ok: resim.sboxProof.ok, detail: resim.sboxProof.detail });
      checks.push({ name: 'resim-netlist-vs-model', flow: 'generic', ok: resim.netlistVsModel === null, detail: resim.netlistVsModel ?? `${resim.packets} packets and 16 counters equal the golden model` });
      checks.push({ name: 'resim-netlist-vs-rtl', flow: 'generic', ok: resim.netlistVsRtl === null, detail: resim.netlistVsRtl ?? 'same packets at the same cycles as the RTL simulation' });
    } else {
      checks.push({ name: 'resim-netlist-vs-model', flow: 'generic', ok: false, detail: 'no generic netlist to simulate (generic synthesis did not complete)' });
    }
  }
  const report: SynthReport = {
    target,
    generatedAt: new Date().toISOString(),
    yosysVersion: await getYosysVersion(),
    verilatorVersion: (await execa('verilator', ['--version'])).stdout.trim(),
    bundle: { dir: bundle.dir, files: bundle.files, includes: bundle.includes, parameters: bundle.parameters, aesLanes: bundle.aesLanes, overlay: bundle.overlay },
    lint,
    flows,
    resim,
    checks,
    ok: checks.every((c) => c.ok),
  };
  writeReports(bundle.dir, report);
  const handoff = join(REPO_ROOT, 'docs', 'fpga-handoff.md');
  if (existsSync(handoff)) copyFileSync(handoff, join(bundle.dir, 'README.md'));
  return report;
}
