// Runs the RX engine RTL (tlsnic_rx_engine) on a batch of input frames through the Verilator bench
// tb/tb_rx_engine.cpp, and parses what it reports. Same text protocol as harness/tx-sim.ts: a cfg
// line, then one frame a line "<kind> <ctx_id> <bytes hex>"; output frames (packets and events)
// come back as "p" lines with their output tuser (kind, decrypted).
import { execa } from 'execa';
import { buildSim, readFileList } from './build-sim.ts';
import { benchFailure, directiveCycles, directiveLines, formatBatch, type BenchDirective, type SimStallConfig } from './sim-process.ts';
import { RX_COUNTER_NAMES, type RxCounters } from '../models/nic-rx.ts';
import type { RxFrame, RxOutKindCode } from '../models/rx-frames.ts';

export const RX_ENGINE_TOP = 'tlsnic_rx_engine';
const BENCH = 'tb/tb_rx_engine.cpp';

export type RxWidth = 128 | 256 | 512;

export interface RxEngineBuild {
  width: RxWidth;
  /** Context ids 0..nCtx-1 (parameter N_CTX). */
  nCtx: number;
  /** Flow table: BUCKETS (power of two) × WAYS. */
  buckets: number;
  ways: number;
  /** Longest packet frame processed (MAX_FRAME); the model's maxFrameBytes must match. */
  maxFrame?: number;
  trace?: boolean;
}

/** Builds (or finds in the cache) the bench binary for one engine configuration. */
export function buildRxEngineSim(b: RxEngineBuild): Promise<string> {
  const maxFrame = b.maxFrame ?? 9600;
  return buildSim({
    name: ['rx', `w${b.width}`, `c${b.nCtx}`, `b${b.buckets}x${b.ways}`, ...(maxFrame === 9600 ? [] : [`f${maxFrame}`]), ...(b.trace ? ['fst'] : [])].join('-'),
    top: RX_ENGINE_TOP,
    // Every engine file (the same list as the TX engine's build; --top-module picks the RX top).
    sources: readFileList('rtl/rx/tlsnic_rx_engine.f'),
    params: { W: b.width, N_CTX: b.nCtx, BUCKETS: b.buckets, WAYS: b.ways, MAX_FRAME: maxFrame },
    cppMain: BENCH,
    extraFlags: b.trace ? ['--trace-fst'] : [],
  });
}

export interface RxOutRtlFrame {
  kind: RxOutKindCode;
  decrypted: boolean;
  data: Uint8Array;
  firstCycle: number;
  lastCycle: number;
}

export interface RxFrameAccept {
  first: number;
  last: number;
}

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

export function encodeRxBatch(frames: readonly RxFrame[], stalls: SimStallConfig, directives: readonly BenchDirective[] = []): Buffer {
  const parts: string[] = [formatBatch({ stalls, records: [] })];
  const dl = directiveLines(stalls, directives);
  for (const [i, f] of frames.entries()) {
    if (f.data.length === 0) throw new Error('rx-sim: a frame of zero bytes cannot be sent on AXI-Stream');
    parts.push(`${dl.get(i) ?? ''}${f.user.kind} ${f.user.ctxId} ${Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength).toString('hex')}\n`);
  }
  return Buffer.from(parts.join(''), 'latin1');
}

export interface RxRunOptions {
  /** Dump a waveform (the binary must be a `trace: true` build). */
  fst?: { path: string; from: number; to: number };
  /** Per-frame bench directives (tkeep overrides, resets in the middle of a frame). */
  directives?: readonly BenchDirective[];
  /** Simulator command-line arguments, e.g. `+tlsnic_break=<n>` (a test-only fault, docs/architecture.md "Assertions"). */
  simArgs?: readonly string[];
}

export async function runRxEngine(binary: string, frames: readonly RxFrame[], stalls: SimStallConfig, opts: RxRunOptions = {}): Promise<RxEngineRun> {
  const limited = { ...stalls, maxCycles: stalls.maxCycles ?? rxCycleBudget(frames, stalls) + directiveCycles({ ...stalls, readyHolds: [] }, opts.directives) };
  const env: Record<string, string> = {};
  if (opts.fst) {
    env.TLSNIC_FST = opts.fst.path;
    env.TLSNIC_FST_FROM = String(opts.fst.from);
    env.TLSNIC_FST_TO = String(opts.fst.to);
  }
  const r = await execa(binary, [...(opts.simArgs ?? [])], { input: encodeRxBatch(frames, limited, opts.directives), env, reject: false, maxBuffer: 1 << 30, stripFinalNewline: false });
  if (r.exitCode !== 0) throw benchFailure(binary, r);
  return parseRxOutput(String(r.stdout), frames.length);
}

/** Parses the bench's stdout (format in tb/tb_rx_engine.cpp). */
export function parseRxOutput(out: string, nFrames: number): RxEngineRun {
  const outputs: RxOutRtlFrame[] = [];
  const frameAccept: RxFrameAccept[] = new Array(nFrames);
  const counterValues: number[] = new Array(RX_COUNTER_NAMES.length).fill(-1);
  const protocolErrors: string[] = [];
  let beatBytes = 0;
  let cycles = -1;
  let simSeconds = 0;
  for (const line of out.split('\n')) {
    if (line === '') continue;
    const f = line.split(' ');
    switch (f[0]) {
      case 'p':
        if (Number(f[1]) !== outputs.length) throw new Error(`rx-sim: output line ${line.slice(0, 40)} out of order`);
        outputs.push({
          firstCycle: Number(f[2]),
          lastCycle: Number(f[3]),
          kind: Number(f[4]) as RxOutKindCode,
          decrypted: f[5] === '1',
          data: new Uint8Array(Buffer.from(f[6] ?? '', 'hex')),
        });
        break;
      case 'a':
        frameAccept[Number(f[1])] = { first: Number(f[2]), last: Number(f[3]) };
        break;
      case 'c':
        counterValues[Number(f[1])] = Number(BigInt(f[2]));
        break;
      case 'e':
        protocolErrors.push(f.slice(1).join(' '));
        break;
      case 'stat':
        beatBytes = Number(f[f.indexOf('beat_bytes') + 1]);
        break;
      case 'done':
        cycles = Number(f[1]);
        simSeconds = Number(f[2]);
        break;
      default:
        throw new Error(`rx-sim: unexpected bench line '${line.slice(0, 80)}'`);
    }
  }
  if (cycles < 0) throw new Error('rx-sim: bench output has no "done" line (crashed or truncated?)');
  for (let i = 0; i < nFrames; i++) if (!frameAccept[i]) throw new Error(`rx-sim: no accept line for frame ${i}`);
  if (counterValues.includes(-1)) throw new Error('rx-sim: counter lines missing');
  const counters = Object.fromEntries(RX_COUNTER_NAMES.map((n, i) => [n, counterValues[i]])) as RxCounters;
  return { outputs, frameAccept, counters, protocolErrors, cycles, simSeconds, beatBytes };
}
