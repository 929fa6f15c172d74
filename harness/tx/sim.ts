// Runs the TX engine RTL (tlsnic_tx_engine, or its stand-in tlsnic_tx_engine_stub) on a batch of
// input frames through the Verilator bench tb/tb_tx_engine.cpp, and parses what it reports.
//
// Batch protocol: the engine benches' text batch, run and parsed by harness/engine/bench-run.ts
// (one runner and parser for TX and RX) — a cfg line, then one frame a line,
// "<kind> <offload 0|1> <ctx_id> <bytes hex, byte 0 first>"; packets come back as hex too.
// Measured (32 MiB of frames, no stalls, 2 shared cores): against the stub, whose simulation loop
// runs at 130-350 MB/s, a whole text run moves 15-25 MB/s (hex out of Node, the pipe, hex back);
// a binary prototype (length-prefixed frames in, raw packet bytes out) moved 25-55 MB/s, i.e.
// 1.2-2.5x faster end to end. Against the real engine the simulation itself runs at 4-8 MB/s
// (W=512, 60-130 k cycles/s) and 2-4 MB/s (W=128), so binary would save a sixth of a run at best;
// text keeps one protocol for every bench and a batch that can be read and edited by hand.
// The bench answers with one line per output packet ("p"), per input frame ("a"), per counter
// ("c"), per protocol violation ("e"), a "stat" line and "done" (format in the bench's header).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildSim, coverageFlags, readFileList, REPO_ROOT, type CoverageBuild } from '../engine/build-sim.ts';
import { directiveCycles, type BenchDirective, type SimStallConfig } from '../engine/sim-process.ts';
import {
  encodeEngineBatch, parseEngineOutput, runEngineBench,
  type EngineDialect, type EngineRunOptions, type EngineWaveform, type FrameAccept, type OutputDialect,
} from '../engine/bench-run.ts';
import type { Width } from '../engine/width.ts';
import { TX_COUNTER_NAMES, type TxCounters } from '../../models/nic-tx.ts';
import type { TxFrame } from '../../models/tx-frames.ts';

export const TX_ENGINE_TOP = 'tlsnic_tx_engine';
export const TX_ENGINE_STUB_TOP = 'tlsnic_tx_engine_stub';
export const TX_ENGINE_FILE = 'rtl/tx/tlsnic_tx_engine.sv';
const BENCH = 'tb/tb_tx_engine.cpp';

export interface TxEngineBuild {
  /** tdata width in bits (parameter W). */
  width: Width;
  /** Flow-table entries (parameter N_CTX). */
  nCtx: number;
  /** Largest packet frame forwarded (parameter MAX_FRAME); the model's maxFrameBytes must match. */
  maxFrame?: number;
  /** Build with --trace-fst (a separate cached binary) so runs can dump waveforms. */
  trace?: boolean;
  /** Top module; default tlsnic_tx_engine. */
  top?: string;
  /** Extra SystemVerilog defines (e.g. TLSNIC_STUB_FAULTS for the stub's fault build). */
  defines?: Readonly<Record<string, string | number | true>>;
  /** Coverage build (harness/coverage), a separate binary. */
  coverage?: CoverageBuild;
}

/** The TX engine's file list (compile order), shared with the Makefile and the synthesis flow. */
export const TX_ENGINE_FILE_LIST = 'rtl/tx/tlsnic_tx_engine.f';

/** The real engine's RTL, relative to the repo root, in compile order (rtl/tx/tlsnic_tx_engine.f). */
export function txEngineSources(): string[] {
  return readFileList(TX_ENGINE_FILE_LIST);
}

export function txEnginePresent(): boolean {
  return existsSync(join(REPO_ROOT, TX_ENGINE_FILE));
}

/** Builds (or finds in the cache) the bench binary for one engine configuration. */
export function buildTxEngineSim(b: TxEngineBuild): Promise<string> {
  const top = b.top ?? TX_ENGINE_TOP;
  const maxFrame = b.maxFrame ?? 9600;
  const stub = top.endsWith('_stub');
  const defs = Object.keys(b.defines ?? {}).map((d) => d.toLowerCase().replace(/^tlsnic_/, ''));
  return buildSim({
    name: [stub ? 'txstub' : 'tx', `w${b.width}`, `c${b.nCtx}`, ...(maxFrame === 9600 ? [] : [`f${maxFrame}`]), ...defs, ...(b.trace ? ['fst'] : []), ...(b.coverage ? [b.coverage === 'toggles' ? 'covt' : 'cov'] : [])].join('-'),
    top,
    sources: stub ? [`tb/${top}.sv`] : txEngineSources(),
    params: { W: b.width, N_CTX: b.nCtx, MAX_FRAME: maxFrame },
    defines: b.defines,
    cppMain: BENCH,
    extraFlags: [...(b.trace ? ['--trace-fst'] : []), ...(b.coverage ? coverageFlags(b.coverage) : [])],
  });
}

export interface TxOutPacket {
  data: Uint8Array;
  /** Cycle of the packet's first and last output beat. */
  firstCycle: number;
  lastCycle: number;
}

export type TxFrameAccept = FrameAccept;

/** One entry of the engine's completion stream (tlsnic_tx_compl): a record finished in order. */
export interface TxCompletionOut {
  /** Cycle the driver took it. */
  cycle: number;
  ctxId: number;
  recordSeq: bigint;
  tag: Uint8Array;
}

export interface TxEngineRun {
  packets: TxOutPacket[];
  /** One entry per input frame, same order. */
  frameAccept: TxFrameAccept[];
  counters: TxCounters;
  /** Protocol violations the bench saw on the output ("<cycle> <message>"). */
  protocolErrors: string[];
  /** The completion stream, in order. */
  completions: TxCompletionOut[];
  /** Simulated cycles, including the drain after the last input beat. */
  cycles: number;
  /** Wall time of the bench's simulation loop. */
  simSeconds: number;
  /** Wall time the bench spent reading and converting the batch. */
  parseSeconds: number;
  /** tdata bytes a beat (W / 8) of the binary that ran. */
  beatBytes: number;
}

export type TxWaveform = EngineWaveform;

export type TxRunOptions = EngineRunOptions;

/**
 * A max_cycles that a working engine never reaches but that stops a hang in seconds rather than
 * the bench's default of 10^8 cycles: 4 cycles per 16-byte beat (the narrowest W), stretched by
 * the gap/stall rate, plus the flow-table clear after reset (≤ 65536) and 100,000 for drains.
 */
export function txCycleBudget(frames: readonly TxFrame[], stalls: SimStallConfig): number {
  let beats = 0;
  for (const f of frames) beats += Math.ceil(f.data.length / 16);
  const busy = Math.max(stalls.gapPermille, stalls.stallPermille);
  return Math.ceil((4 * beats * 1000) / Math.max(1, 1000 - busy)) + 65_536 + 100_000 + directiveCycles(stalls);
}

/** The TX bench's input side: "<kind> <offload 0|1> <ctx_id> <hex>". */
const TX_DIALECT: EngineDialect<TxFrame> = {
  label: 'tx-sim',
  framePrefix: (f) => `${f.user.kind} ${f.user.offload ? 1 : 0} ${f.user.ctxId} `,
  cycleBudget: txCycleBudget,
};

/** The TX bench's output side: "p <index> <first> <last> <hex>". */
const TX_OUTPUT: OutputDialect<TxOutPacket> = {
  label: 'tx-sim',
  outputNoun: 'packet',
  headFields: 3,
  output: (head, hex) => ({ firstCycle: Number(head[1]), lastCycle: Number(head[2]), data: new Uint8Array(Buffer.from(hex, 'hex')) }),
  counterNames: TX_COUNTER_NAMES,
  requireStat: true,
};

/** The batch as one buffer (harness/engine/bench-run.ts encodeEngineBatch). */
export function encodeTxBatch(frames: readonly TxFrame[], stalls: SimStallConfig, directives: readonly BenchDirective[] = []): Buffer {
  return encodeEngineBatch(TX_DIALECT, frames, stalls, directives);
}

/**
 * Streams `frames` through the engine binary with the given gap/stall pattern. Without
 * stalls.maxCycles the run is limited to txCycleBudget(); reaching the limit throws with the
 * bench's message.
 */
export async function runTxEngine(
  binary: string,
  frames: readonly TxFrame[],
  stalls: SimStallConfig,
  opts: TxRunOptions = {},
): Promise<TxEngineRun> {
  return parseTxOutput(await runEngineBench(TX_DIALECT, binary, frames, stalls, opts), frames.length);
}

/** Parses the bench's stdout (format in harness/engine/bench-run.ts and tb/tb_tx_engine.cpp). */
export function parseTxOutput(out: string, nFrames: number): TxEngineRun {
  const r = parseEngineOutput(out, nFrames, TX_OUTPUT);
  return {
    packets: r.outputs, frameAccept: r.frameAccept, counters: r.counters as TxCounters, protocolErrors: r.protocolErrors,
    completions: r.completionLines.map((f) => ({ cycle: Number(f[0]), ctxId: Number(f[1]), recordSeq: BigInt(`0x${f[2]}`), tag: new Uint8Array(Buffer.from(f[3] ?? '', 'hex')) })),
    cycles: r.cycles, simSeconds: r.simSeconds, parseSeconds: r.parseSeconds, beatBytes: r.beatBytes,
  };
}
