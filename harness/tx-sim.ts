// Runs the TX engine RTL (tlsnic_tx_engine, or its stand-in tlsnic_tx_engine_stub) on a batch of
// input frames through the Verilator bench tb/tb_tx_engine.cpp, and parses what it reports.
//
// Batch protocol: the text batch of harness/sim-process.ts — a cfg line, then one frame a line,
// "<kind> <offload 0|1> <ctx_id> <bytes hex, byte 0 first>"; packets come back as hex too.
// Measured (32 MiB of frames, no stalls, 2 shared cores): against the stub, whose simulation loop
// runs at 130-350 MB/s, a whole text run moves 15-25 MB/s (hex out of Node, the pipe, hex back);
// a binary prototype (length-prefixed frames in, raw packet bytes out) moved 25-55 MB/s, i.e.
// 1.2-2.5x faster end to end. Against the real engine the simulation itself runs at 4-8 MB/s
// (W=512, 60-130 k cycles/s) and 2-4 MB/s (W=128), so binary would save a sixth of a run at best;
// text keeps one protocol for every bench and a batch that can be read and edited by hand.
// The bench answers with one line per output packet ("p"), per input frame ("a"), per counter
// ("c"), per protocol violation ("e"), a "stat" line and "done" (format in the bench's header).
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { buildSim, readFileList, REPO_ROOT } from './build-sim.ts';
import { benchFailure, directiveCycles, directiveLines, formatBatch, type BenchDirective, type SimStallConfig } from './sim-process.ts';
import { TX_COUNTER_NAMES, type TxCounters } from '../models/nic-tx.ts';
import type { TxFrame } from '../models/tx-frames.ts';

export const TX_ENGINE_TOP = 'tlsnic_tx_engine';
export const TX_ENGINE_STUB_TOP = 'tlsnic_tx_engine_stub';
export const TX_ENGINE_FILE = 'rtl/tx/tlsnic_tx_engine.sv';
const BENCH = 'tb/tb_tx_engine.cpp';

export type TxWidth = 128 | 256 | 512;

export interface TxEngineBuild {
  /** tdata width in bits (parameter W). */
  width: TxWidth;
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
    name: [stub ? 'txstub' : 'tx', `w${b.width}`, `c${b.nCtx}`, ...(maxFrame === 9600 ? [] : [`f${maxFrame}`]), ...defs, ...(b.trace ? ['fst'] : [])].join('-'),
    top,
    sources: stub ? [`tb/${top}.sv`] : txEngineSources(),
    params: { W: b.width, N_CTX: b.nCtx, MAX_FRAME: maxFrame },
    defines: b.defines,
    cppMain: BENCH,
    extraFlags: b.trace ? ['--trace-fst'] : [],
  });
}

export interface TxOutPacket {
  data: Uint8Array;
  /** Cycle of the packet's first and last output beat. */
  firstCycle: number;
  lastCycle: number;
}

export interface TxFrameAccept {
  /** Cycle the frame's first and last input beat was accepted. */
  first: number;
  last: number;
}

export interface TxEngineRun {
  packets: TxOutPacket[];
  /** One entry per input frame, same order. */
  frameAccept: TxFrameAccept[];
  counters: TxCounters;
  /** Protocol violations the bench saw on the output ("<cycle> <message>"). */
  protocolErrors: string[];
  /** Simulated cycles, including the drain after the last input beat. */
  cycles: number;
  /** Wall time of the bench's simulation loop. */
  simSeconds: number;
  /** Wall time the bench spent reading and converting the batch. */
  parseSeconds: number;
  /** tdata bytes a beat (W / 8) of the binary that ran. */
  beatBytes: number;
}

export interface TxWaveform {
  /** FST file to write. */
  path: string;
  /** Cycle window to dump (inclusive). */
  from: number;
  to: number;
}

export interface TxRunOptions {
  /** Dump a waveform (the binary must be a `trace: true` build). */
  fst?: TxWaveform;
  /** Override the bench's drain: idle output cycles after the last input beat before it stops. */
  drainIdle?: number;
  /** Write the batch to this file and feed it from there (lets the caller compute while the simulator runs). */
  batchFile?: string;
  /** Per-frame bench directives (tkeep overrides, resets in the middle of a frame). */
  directives?: readonly BenchDirective[];
  /** Simulator command-line arguments, e.g. `+tlsnic_break=<n>` (a test-only fault, docs/architecture.md "Assertions"). */
  simArgs?: readonly string[];
}

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

/**
 * The batch as one buffer: sim-process's cfg line (formatBatch), then one frame a line. Written
 * straight into a buffer rather than joined from per-frame strings: with hundreds of thousands of
 * small frames the joined strings cost more than the simulation of the stub.
 */
export function encodeTxBatch(frames: readonly TxFrame[], stalls: SimStallConfig, directives: readonly BenchDirective[] = []): Buffer {
  const head = formatBatch({ stalls, records: [] });
  const dl = directiveLines(stalls, directives);
  const prefixes = frames.map((f, i) => {
    if (f.data.length === 0) throw new Error('tx-sim: a frame of zero bytes cannot be sent on AXI-Stream');
    return `${dl.get(i) ?? ''}${f.user.kind} ${f.user.offload ? 1 : 0} ${f.user.ctxId} `;
  });
  let n = head.length;
  frames.forEach((f, i) => (n += prefixes[i].length + 2 * f.data.length + 1));
  const buf = Buffer.allocUnsafe(n);
  let o = buf.write(head, 0, 'latin1');
  frames.forEach((f, i) => {
    o += buf.write(prefixes[i], o, 'latin1');
    o += buf.write(Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength).toString('hex'), o, 'latin1');
    buf[o++] = 0x0a;
  });
  return buf;
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
  const limited = { ...stalls, maxCycles: stalls.maxCycles ?? txCycleBudget(frames, stalls) + directiveCycles({ ...stalls, readyHolds: [] }, opts.directives) };
  const env: Record<string, string> = {};
  if (opts.fst) {
    env.TLSNIC_FST = opts.fst.path;
    env.TLSNIC_FST_FROM = String(opts.fst.from);
    env.TLSNIC_FST_TO = String(opts.fst.to);
  }
  if (opts.drainIdle !== undefined) env.TLSNIC_DRAIN_IDLE = String(opts.drainIdle);
  // runSim's job, with a buffer for stdin and a parser that does not split every line into fields.
  const batch = encodeTxBatch(frames, limited, opts.directives);
  // With a batch file the whole input is written before this returns a promise, so the caller
  // can compute meanwhile while the simulator runs (harness/soak/run.ts).
  if (opts.batchFile) writeFileSync(opts.batchFile, batch);
  const io = opts.batchFile ? { inputFile: opts.batchFile } : { input: batch };
  const r = await execa(binary, [...(opts.simArgs ?? [])], { ...io, env, reject: false, maxBuffer: 1 << 30, stripFinalNewline: false });
  if (r.exitCode !== 0) throw benchFailure(binary, r);
  return parseTxOutput(String(r.stdout), frames.length);
}

/** Parses the bench's stdout (format in tb/tb_tx_engine.cpp). */
export function parseTxOutput(out: string, nFrames: number): TxEngineRun {
  const packets: TxOutPacket[] = [];
  const frameAccept: TxFrameAccept[] = new Array(nFrames);
  const counterValues: number[] = new Array(16).fill(-1);
  const protocolErrors: string[] = [];
  let parseSeconds = 0;
  let beatBytes = 0;
  let cycles = -1;
  let simSeconds = 0;
  let pos = 0;
  while (pos < out.length) {
    let end = out.indexOf('\n', pos);
    if (end < 0) end = out.length;
    const line = out.slice(pos, end);
    pos = end + 1;
    if (line === '') continue;
    if (line.charCodeAt(0) === 0x70 /* p */) {
      // "p <index> <first> <last> <hex>": only the hex is long, so split the head off.
      const s1 = line.indexOf(' ', 2), s2 = line.indexOf(' ', s1 + 1), s3 = line.indexOf(' ', s2 + 1);
      if (Number(line.slice(2, s1)) !== packets.length) throw new Error(`tx-sim: packet line ${line.slice(0, 40)} out of order`);
      packets.push({
        firstCycle: Number(line.slice(s1 + 1, s2)),
        lastCycle: Number(line.slice(s2 + 1, s3)),
        data: new Uint8Array(Buffer.from(line.slice(s3 + 1), 'hex')),
      });
      continue;
    }
    const f = line.split(' ');
    switch (f[0]) {
      case 'a':
        frameAccept[Number(f[1])] = { first: Number(f[2]), last: Number(f[3]) };
        break;
      case 'c':
        // 64-bit counters; the model's are JS numbers, exact below 2^53.
        counterValues[Number(f[1])] = Number(BigInt(f[2]));
        break;
      case 'e':
        protocolErrors.push(f.slice(1).join(' '));
        break;
      case 'stat':
        parseSeconds = Number(f[f.indexOf('parse_s') + 1]);
        beatBytes = Number(f[f.indexOf('beat_bytes') + 1]);
        break;
      case 'done':
        cycles = Number(f[1]);
        simSeconds = Number(f[2]);
        break;
      default:
        throw new Error(`tx-sim: unexpected bench line '${line.slice(0, 80)}'`);
    }
  }
  if (cycles < 0) throw new Error('tx-sim: bench output has no "done" line (crashed or truncated?)');
  for (let i = 0; i < nFrames; i++) if (!frameAccept[i]) throw new Error(`tx-sim: no accept line for frame ${i}`);
  if (counterValues.includes(-1)) throw new Error('tx-sim: counter lines missing');
  if (!(beatBytes > 0)) throw new Error('tx-sim: stat line missing');
  const counters = Object.fromEntries(TX_COUNTER_NAMES.map((n, i) => [n, counterValues[i]])) as TxCounters;
  return { packets, frameAccept, counters, protocolErrors, cycles, simSeconds, parseSeconds, beatBytes };
}
