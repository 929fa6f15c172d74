// Post-synthesis simulation: Yosys's generic netlist (write_verilog -noattr; gates plus $mem_v2
// RAMs written as Verilog arrays) built with Verilator around the RTL's own bench
// (tb/tb_tx_engine.cpp; the netlist's top keeps the engine's port names and widths), run on a
// seeded scenario with faults, loss, input gaps and output stalls. It must equal the golden
// model packet for packet and counter for counter, and the RTL simulation cycle for cycle.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildSim } from '../engine/build-sim.ts';
import { proveSboxModule, proveSboxRom, withRomSbox, type SboxProof } from './sbox.ts';
import { compareTxRun, runTxModel } from '../tx/compare.ts';
import { DEFAULT_TX_SCENARIO, generateTxScenario } from '../tx/scenario.ts';
import { checkTxStreams } from '../tx/check.ts';
import { buildTxEngineSim, runTxEngine, type TxEngineRun } from '../tx/sim.ts';
import { SYNTH_TOP, type Bundle, type ResimPlan } from './types.ts';

export type { ResimPlan } from './types.ts';

export interface ResimResult {
  plan: ResimPlan;
  frames: number;
  packets: number;
  cycles: number;
  /**
   * The netlist's gate-level S-box module proven equal to the AES S-box (harness/synth/sbox.ts); when it
   * holds, the simulation uses the netlist with that module as a ROM, otherwise the netlist as is.
   */
  sboxProof: SboxProof;
  /** The Verilog file simulated (netlist.v, or netlist-sim.v with the proven S-box as a ROM). */
  simulatedNetlist: string;
  /** Wall time to build the netlist simulator (0 when cached). */
  buildSeconds: number;
  netlistSimSeconds: number;
  rtlSimSeconds: number;
  /** null = equal; otherwise the first difference. */
  netlistVsModel: string | null;
  netlistVsRtl: string | null;
  rtlVsModel: string | null;
}

const BENCH = 'tb/tb_tx_engine.cpp';

/** First difference between two runs of the same bench (packets, cycle stamps, counters). */
export function compareRuns(a: TxEngineRun, b: TxEngineRun): string | null {
  if (a.packets.length !== b.packets.length) return `${a.packets.length} packets vs ${b.packets.length}`;
  for (let i = 0; i < a.packets.length; i++) {
    const p = a.packets[i], q = b.packets[i];
    if (p.firstCycle !== q.firstCycle || p.lastCycle !== q.lastCycle) return `packet ${i}: cycles ${p.firstCycle}..${p.lastCycle} vs ${q.firstCycle}..${q.lastCycle}`;
    if (Buffer.compare(Buffer.from(p.data), Buffer.from(q.data)) !== 0) return `packet ${i}: bytes differ`;
  }
  for (let i = 0; i < a.frameAccept.length; i++) {
    const x = a.frameAccept[i], y = b.frameAccept[i];
    if (x.first !== y.first || x.last !== y.last) return `frame ${i}: accepted at ${x.first}..${x.last} vs ${y.first}..${y.last}`;
  }
  for (const [k, v] of Object.entries(a.counters)) {
    const w = (b.counters as Record<string, number>)[k];
    if (v !== w) return `counter ${k}: ${v} vs ${w}`;
  }
  if (a.cycles !== b.cycles) return `${a.cycles} cycles vs ${b.cycles}`;
  if (a.protocolErrors.length + b.protocolErrors.length > 0) return `protocol errors: ${[...a.protocolErrors, ...b.protocolErrors].slice(0, 3).join('; ')}`;
  return null;
}

export async function runNetlistResim(bundle: Bundle, netlist: string, plan: ResimPlan, log: (s: string) => void = () => {}): Promise<ResimResult> {
  const { W, N_CTX, MAX_FRAME } = bundle.parameters;
  const tbDefines = `-DTB_W=${W} -DTB_N_CTX=${N_CTX} -DTB_MAX_FRAME=${MAX_FRAME}`;
  // The S-box split (harness/synth/sbox.ts): prove the gate-level S-box, then simulate the netlist with
  // the proven module as a ROM. The simulated file sits next to netlist.v (the cache entry), so
  // its path and contents depend only on the netlist and the simulator build is reused.
  const netText = readFileSync(netlist, 'utf8');
  const gateProof = await proveSboxModule(netText, join(bundle.dir, 'resim-sbox'));
  const romProof = proveSboxRom(netText);
  const sboxProof: SboxProof = {
    ok: gateProof.ok && romProof.ok,
    gates: gateProof.gates,
    seconds: gateProof.seconds + romProof.seconds,
    detail: `${gateProof.detail}; ${romProof.detail}`,
  };
  log(`post-synthesis simulation: ${sboxProof.detail}`);
  let simulated = netlist;
  if (sboxProof.ok) {
    simulated = join(dirname(netlist), 'netlist-sim.v');
    const text = withRomSbox(netText);
    if (!existsSync(simulated) || readFileSync(simulated, 'utf8') !== text) writeFileSync(simulated, text);
  }
  const t0 = Date.now();
  // The netlist has no parameters (the wrapper fixed them), so the bench gets its TB_* defines
  // directly. A gate-level model is hundreds of thousands of statements: compiling it at -O0
  // takes a fraction of the -O2 time, and the few hundred frames simulated do not need the speed.
  // Verilator's own -O0 (no Verilator optimizations) for the netlist: Verilator 5.006 at -O3
  // mis-simulates part of Yosys's gate netlist (seen in issue 16: the H^3 multiplier of the back
  // end's stage B0, inputs two registers, simulated with bits 8..16 wrong — mul(0, 0) = 0x5800 —
  // while Yosys's `eval` of the same netlist module gives the right product; neither
  // -fno-const-bit-op-tree, verilator#4059's workaround, nor -fno-inline helped, -O0 does: the
  // netlist then equals the RTL signal for signal). The RTL builds keep -O3; they are compared
  // with the golden model, which does not share Verilator.
  const netBin = await buildSim({
    name: `synth-${bundle.target.name}-w${W}`,
    top: SYNTH_TOP,
    sources: [simulated],
    cppMain: BENCH,
    extraFlags: ['-O0', '-CFLAGS', tbDefines, '-MAKEFLAGS', 'OPT_FAST=-O0 OPT_SLOW=-O0'],
  });
  const buildSeconds = (Date.now() - t0) / 1000;
  log(`post-synthesis simulation: netlist simulator ready (${buildSeconds.toFixed(0)} s)`);
  // The RTL reference: the same bundle files when an overlay replaced some, else the repo's
  // (usually already built by the RTL suites).
  const rtlBin = bundle.overlay.length > 0
    ? await buildSim({
      name: `synth-${bundle.target.name}-rtl-w${W}`,
      top: SYNTH_TOP,
      sources: bundle.files.map((f) => join(bundle.dir, f.path)),
      cppMain: BENCH,
      extraFlags: ['-CFLAGS', tbDefines],
    })
    : await buildTxEngineSim({ width: bundle.target.width, nCtx: N_CTX, maxFrame: MAX_FRAME });

  const scenario = generateTxScenario({
    ...DEFAULT_TX_SCENARIO,
    seed: plan.seed,
    nCtx: N_CTX,
    flows: plan.flows,
    bytesPerFlow: plan.bytesPerFlow,
    faults: plan.faults,
    loss: plan.loss,
  });
  const frames = scenario.frames;
  const stalls = { seed: plan.seed, gapPermille: plan.gapPermille, stallPermille: plan.stallPermille };
  const model = runTxModel(frames, { nCtx: N_CTX, maxFrameBytes: MAX_FRAME });
  const net = await runTxEngine(netBin, frames, stalls);
  const rtl = await runTxEngine(rtlBin, frames, stalls);
  const vsModel = compareTxRun(model.outputs, model.counters, net, model.completions);
  const rtlVsModel = compareTxRun(model.outputs, model.counters, rtl, model.completions);
  // The netlist's output through the stream oracle's plaintext-leak check too.
  const netLeaks = checkTxStreams(scenario, net.packets.map((p) => p.data)).leaks;
  return {
    plan,
    frames: frames.length,
    packets: net.packets.length,
    cycles: net.cycles,
    sboxProof,
    simulatedNetlist: simulated,
    buildSeconds,
    netlistSimSeconds: net.simSeconds,
    rtlSimSeconds: rtl.simSeconds,
    netlistVsModel: vsModel ? vsModel.message : netLeaks > 0 ? `${netLeaks} netlist output packets carry record-body plaintext` : null,
    netlistVsRtl: compareRuns(rtl, net),
    rtlVsModel: rtlVsModel ? rtlVsModel.message : null,
  };
}
