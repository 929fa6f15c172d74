// Runs the RX engine RTL (tlsnic_rx_engine) on a batch of input frames through the Verilator bench
// tb/tb_rx_engine.cpp, and parses what it reports. Same text protocol as harness/tx/sim.ts, run and
// parsed by the same code (harness/engine/bench-run.ts): a cfg line, then one frame a line
// "<kind> <ctx_id> <bytes hex>"; output frames (packets and events) come back as "p" lines with
// their output tuser (kind, decrypted).
import { buildSim, coverageFlags, readFileList, type CoverageBuild } from '../engine/build-sim.ts';
import { directiveCycles, type BenchDirective, type SimStallConfig } from '../engine/sim-process.ts';
import {
  encodeEngineBatch, parseEngineOutput, runEngineBench,
  type EngineDialect, type EngineRunOptions, type FrameAccept, type OutputDialect,
} from '../engine/bench-run.ts';
import type { Width } from '../engine/width.ts';
import { RX_COUNTER_NAMES, type RxCounters } from '../../models/nic-rx.ts';
import type { RxFrame, RxOutKindCode } from '../../models/rx-frames.ts';

export const RX_ENGINE_TOP = 'tlsnic_rx_engine';
const BENCH = 'tb/tb_rx_engine.cpp';

export interface RxEngineBuild {
  width: Width;
  /** Context ids 0..nCtx-1 (parameter N_CTX). */
  nCtx: number;
  /** Flow table v2: BUCKETS = NB (a power of two ≥ 4) buckets × 4 ways, plus the 4-entry stash. */
  buckets: number;
  /** Longest packet frame processed (MAX_FRAME); the model's maxFrameBytes must match. */
  maxFrame?: number;
  trace?: boolean;
  /** Coverage build (harness/coverage), a separate binary. */
  coverage?: CoverageBuild;
}

/** Builds (or finds in the cache) the bench binary for one engine configuration. */
export function buildRxEngineSim(b: RxEngineBuild): Promise<string> {
  const maxFrame = b.maxFrame ?? 9600;
  return buildSim({
    name: ['rx', `w${b.width}`, `c${b.nCtx}`, `b${b.buckets}`, ...(maxFrame === 9600 ? [] : [`f${maxFrame}`]), ...(b.trace ? ['fst'] : []), ...(b.coverage ? [b.coverage === 'toggles' ? 'covt' : 'cov'] : [])].join('-'),
    top: RX_ENGINE_TOP,
    // Every engine file (the same list as the TX engine's build; --top-module picks the RX top).
    sources: readFileList('rtl/rx/tlsnic_rx_engine.f'),
    params: { W: b.width, N_CTX: b.nCtx, BUCKETS: b.buckets, MAX_FRAME: maxFrame },
    cppMain: BENCH,
    extraFlags: [...(b.trace ? ['--trace-fst'] : []), ...(b.coverage ? coverageFlags(b.coverage) : [])],
  });
}

export interface RxOutRtlFrame {
  kind: RxOutKindCode;
  decrypted: boolean;
  data: Uint8Array;
  firstCycle: number;
  lastCycle: number;
}

export type RxFrameAccept = FrameAccept;

export interface RxEngineRun {
  outputs: RxOutRtlFrame[];
  frameAccept: RxFrameAccept[];
  counters: RxCounters;
  protocolErrors: string[];
  cycles: number;
  simSeconds: number;
  beatBytes: number;
}

/**
 * A max_cycles a working engine never reaches: the pipelined engine takes about one cycle per
 * input beat (plus a few per control frame); the budget allows several cycles per byte (any
 * width), the table clear after reset and room for drains, so only a hang reaches it.
 */
export function rxCycleBudget(frames: readonly RxFrame[], stalls: SimStallConfig): number {
  let bytes = 0;
  for (const f of frames) bytes += f.data.length + 64;
  const busy = Math.max(stalls.gapPermille, stalls.stallPermille);
  return Math.ceil((4 * bytes * 1000) / Math.max(1, 1000 - busy)) + 70_000 + 100_000 + directiveCycles(stalls);
}

/** The RX bench's input side: "<kind> <ctx_id> <hex>". */
const RX_DIALECT: EngineDialect<RxFrame> = {
  label: 'rx-sim',
  framePrefix: (f) => `${f.user.kind} ${f.user.ctxId} `,
  cycleBudget: rxCycleBudget,
};

/** The RX bench's output side: "p <index> <first> <last> <kind> <decrypted 0|1> <hex>". */
const RX_OUTPUT: OutputDialect<RxOutRtlFrame> = {
  label: 'rx-sim',
  outputNoun: 'output',
  headFields: 5,
  output: (head, hex) => ({
    firstCycle: Number(head[1]),
    lastCycle: Number(head[2]),
    kind: Number(head[3]) as RxOutKindCode,
    decrypted: head[4] === '1',
    data: new Uint8Array(Buffer.from(hex, 'hex')),
  }),
  counterNames: RX_COUNTER_NAMES,
  requireStat: false,
};

/** The batch as one buffer (harness/engine/bench-run.ts encodeEngineBatch). */
export function encodeRxBatch(frames: readonly RxFrame[], stalls: SimStallConfig, directives: readonly BenchDirective[] = []): Buffer {
  return encodeEngineBatch(RX_DIALECT, frames, stalls, directives);
}

export type RxRunOptions = EngineRunOptions;

/**
 * Streams `frames` through the engine binary with the given gap/stall pattern. Without
 * stalls.maxCycles the run is limited to rxCycleBudget(); reaching the limit throws with the
 * bench's message.
 */
export async function runRxEngine(binary: string, frames: readonly RxFrame[], stalls: SimStallConfig, opts: RxRunOptions = {}): Promise<RxEngineRun> {
  return parseRxOutput(await runEngineBench(RX_DIALECT, binary, frames, stalls, opts), frames.length);
}

/** Parses the bench's stdout (format in harness/engine/bench-run.ts and tb/tb_rx_engine.cpp). */
export function parseRxOutput(out: string, nFrames: number): RxEngineRun {
  const r = parseEngineOutput(out, nFrames, RX_OUTPUT);
  return {
    outputs: r.outputs, frameAccept: r.frameAccept, counters: r.counters as RxCounters, protocolErrors: r.protocolErrors,
    cycles: r.cycles, simSeconds: r.simSeconds, beatBytes: r.beatBytes,
  };
}
