// Compares a TX engine RTL run (harness/tx/sim.ts) with the golden model (models/nic-tx.ts), and
// derives latency and throughput from the run's cycle stamps.
//
// The model runs frame by frame; its outputs, in order, carry the input frame they came from, so a
// mismatch names the output packet, the frame, the context and the byte, and latency pairs output
// packet i with its input frame.
import { bytesEqual, toHex } from '../../models/bytes.ts';
import { createNicTx, nicTxStep, TX_COUNTER_NAMES, zeroTxCounters, type NicTxConfig, type TxCompletion, type TxCounterName, type TxCounters, type TxVerdict } from '../../models/nic-tx.ts';
import { isParseError, parseTcpPacket } from '../../models/packet.ts';
import { FrameKind, ResyncFlag, type TxFrame } from '../../models/tx-frames.ts';
import type { TxEngineRun } from './sim.ts';

/** One packet the model sends, with the input frame it came from. */
export interface ModelOutput {
  data: Uint8Array;
  frameIndex: number;
  ctxId: number;
  offload: boolean;
  verdict: TxVerdict;
}

export interface TxModelRun {
  /** Verdict of every input frame, same order as the frames. */
  verdicts: TxVerdict[];
  outputs: ModelOutput[];
  counters: TxCounters;
  /** The completion stream: every record the in-order path finished, in order. */
  completions: TxCompletion[];
}

/** Runs the golden model over a batch (a fresh engine state, as after reset). */
export function runTxModel(frames: readonly TxFrame[], config: NicTxConfig): TxModelRun {
  const st = createNicTx(config);
  const verdicts: TxVerdict[] = [];
  const outputs: ModelOutput[] = [];
  const completions: TxCompletion[] = [];
  frames.forEach((f, frameIndex) => {
    const r = nicTxStep(st, f);
    verdicts.push(r.verdict);
    if (r.out) outputs.push({ data: r.out, frameIndex, ctxId: f.user.ctxId, offload: f.user.offload, verdict: r.verdict });
    if (r.completions) completions.push(...r.completions);
  });
  return { verdicts, outputs, counters: { ...st.counters }, completions };
}

/**
 * What tlsnic_tx_engine_stub does (forward every packet frame unchanged, swallow the rest, count
 * plain packets and reserved frames): the expectation for bench runs against the stub.
 */
export function stubExpectation(frames: readonly TxFrame[]): TxModelRun {
  const counters = zeroTxCounters();
  const verdicts: TxVerdict[] = [];
  const outputs: ModelOutput[] = [];
  frames.forEach((f, frameIndex) => {
    if (f.user.kind === FrameKind.PACKET) {
      if (!f.user.offload) counters.tx_plain_packets++;
      verdicts.push('pass');
      outputs.push({ data: f.data, frameIndex, ctxId: f.user.ctxId, offload: f.user.offload, verdict: 'pass' });
    } else {
      if (f.user.kind === FrameKind.RESERVED) counters.tx_frame_err++;
      verdicts.push(f.user.kind === FrameKind.CONTROL ? 'control' : f.user.kind === FrameKind.RESYNC ? 'resync' : 'frame_error');
    }
  });
  return { verdicts, outputs, counters, completions: [] };
}

export type TxMismatchKind = 'protocol' | 'packet' | 'missing-packet' | 'extra-packet' | 'counter' | 'completion';

export interface TxMismatch {
  kind: TxMismatchKind;
  /** Everything below in one readable paragraph. */
  message: string;
  /** Output packet index (position in the output stream). */
  packetIndex?: number;
  /** Input frame the expected packet came from, its context id and the model's verdict. */
  frameIndex?: number;
  ctxId?: number;
  verdict?: TxVerdict;
  /** First differing byte (the shorter length when one packet is a prefix of the other). */
  byteOffset?: number;
  /** Hex excerpts (packets) or values (counters). */
  expected?: string;
  got?: string;
  counter?: TxCounterName;
}

const EXCERPT = 16;

/** Hex of b around `at`: "@<start> <hex before>|<hex from at>", at most EXCERPT bytes each side. */
export function hexExcerpt(b: Uint8Array, at: number): string {
  const start = Math.max(0, at - EXCERPT);
  const end = Math.min(b.length, at + EXCERPT);
  return `@${start} ${toHex(b.subarray(start, Math.min(at, b.length)))}|${toHex(b.subarray(Math.min(at, b.length), end))}${end < b.length ? '…' : ''}`;
}

function firstDiff(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

/**
 * The first difference between the model and the RTL, or null when the RTL sent exactly the model's
 * packets (byte for byte, in order) and every counter matches. Protocol violations the bench saw
 * come first: they make everything after them suspect.
 */
export function compareTxRun(modelOutputs: readonly ModelOutput[], modelCounters: TxCounters, rtl: TxEngineRun, modelCompletions?: readonly TxCompletion[]): TxMismatch | null {
  if (rtl.protocolErrors.length > 0) {
    return {
      kind: 'protocol',
      message: `AXI-Stream protocol violation on the output (cycle, message): ${rtl.protocolErrors.slice(0, 5).join('; ')}${rtl.protocolErrors.length > 5 ? ` … (${rtl.protocolErrors.length} in all)` : ''}`,
    };
  }
  const n = Math.max(modelOutputs.length, rtl.packets.length);
  for (let i = 0; i < n; i++) {
    const m = modelOutputs[i];
    const r = rtl.packets[i];
    if (!r) {
      return {
        kind: 'missing-packet',
        packetIndex: i, frameIndex: m.frameIndex, ctxId: m.ctxId, verdict: m.verdict,
        expected: hexExcerpt(m.data, 0),
        message: `output packet ${i} missing (from input frame ${m.frameIndex}, ctx ${m.ctxId}, model verdict ${m.verdict}, ${m.data.length} bytes): the RTL sent ${rtl.packets.length} packets, the model ${modelOutputs.length}`,
      };
    }
    if (!m) {
      return {
        kind: 'extra-packet',
        packetIndex: i, got: hexExcerpt(r.data, 0),
        message: `extra output packet ${i} (${r.data.length} bytes, cycles ${r.firstCycle}..${r.lastCycle}): the model sent ${modelOutputs.length} packets; got ${hexExcerpt(r.data, 0)}`,
      };
    }
    const off = firstDiff(m.data, r.data);
    if (off >= 0) {
      const expected = hexExcerpt(m.data, off);
      const got = hexExcerpt(r.data, off);
      const len = m.data.length === r.data.length ? `${m.data.length} bytes` : `expected ${m.data.length} bytes, got ${r.data.length}`;
      return {
        kind: 'packet',
        packetIndex: i, frameIndex: m.frameIndex, ctxId: m.ctxId, verdict: m.verdict, byteOffset: off, expected, got,
        message: `output packet ${i} (from input frame ${m.frameIndex}, ctx ${m.ctxId}, model verdict ${m.verdict}, ${len}) differs at byte ${off}:\n  expected ${expected}\n  got      ${got}`,
      };
    }
  }
  if (modelCompletions) {
    const m = compareCompletions(modelCompletions, rtl.completions);
    if (m) return m;
  }
  for (const name of TX_COUNTER_NAMES) {
    if (modelCounters[name] !== rtl.counters[name]) {
      return {
        kind: 'counter',
        counter: name, expected: String(modelCounters[name]), got: String(rtl.counters[name]),
        message: `counter ${name} (index ${TX_COUNTER_NAMES.indexOf(name)}): expected ${modelCounters[name]}, got ${rtl.counters[name]}`,
      };
    }
  }
  return null;
}

/** The completion streams, entry for entry (context, record sequence number, tag). */
function compareCompletions(model: readonly TxCompletion[], rtl: TxEngineRun['completions']): TxMismatch | null {
  const n = Math.max(model.length, rtl.length);
  for (let i = 0; i < n; i++) {
    const m = model[i];
    const r = rtl[i];
    const show = (c: { ctxId: number; recordSeq: bigint; tag: Uint8Array } | undefined) => (c ? `ctx ${c.ctxId} record ${c.recordSeq} tag ${toHex(c.tag)}` : 'none');
    if (!m || !r || m.ctxId !== r.ctxId || m.recordSeq !== r.recordSeq || !bytesEqual(m.tag, r.tag)) {
      return {
        kind: 'completion', expected: show(m), got: show(r),
        message: `completion ${i} (of ${model.length} expected, ${rtl.length} sent): expected ${show(m)}, got ${show(r)}`,
      };
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Latency and throughput from the cycle stamps.

/** Per output packet: cycle of its first output beat minus the cycle its input frame's first beat was accepted. */
export function packetLatencies(modelOutputs: readonly ModelOutput[], rtl: TxEngineRun): number[] {
  const n = Math.min(modelOutputs.length, rtl.packets.length);
  const out: number[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = rtl.packets[i].firstCycle - rtl.frameAccept[modelOutputs[i].frameIndex].first;
  return out;
}

export interface Summary {
  min: number;
  mean: number;
  max: number;
}

export function summarize(xs: readonly number[]): Summary {
  if (xs.length === 0) return { min: 0, mean: 0, max: 0 };
  let min = Infinity, max = -Infinity, sum = 0;
  for (const x of xs) {
    if (x < min) min = x;
    if (x > max) max = x;
    sum += x;
  }
  return { min, mean: sum / xs.length, max };
}

export function beatsOf(bytes: number, beatBytes: number): number {
  return Math.ceil(bytes / beatBytes);
}

/** Where the input stream lost a cycle: a pause inside a frame or between two frames. */
export interface InputBubble {
  frameIndex: number;
  /** 'inside': frame's beats took more cycles than beats; 'before': idle cycles before its first beat. */
  where: 'inside' | 'before';
  cycles: number;
  atCycle: number;
}

export interface TxThroughput {
  /** Cycles from the first input beat accepted to the last output beat, inclusive. */
  cycles: number;
  /** Input beats (every frame, every kind) and output beats. */
  inBeats: number;
  outBeats: number;
  /** inBeats / cycles. */
  beatsPerCycle: number;
  /** Output packet bytes (frames as sent, no preamble or inter-frame gap) per cycle. */
  wireBytesPerCycle: number;
  /** TCP payload bytes of the output packets per cycle. */
  payloadBytesPerCycle: number;
  /** Cycles the input spent on resync frames (first to last beat of each, inclusive): prefix
   *  loads and SEEK descriptors together, then each path apart. */
  resyncCycles: number;
  prefixCycles: number;
  seekCycles: number;
  /** Cycles from the first to the last input beat accepted, inclusive, and the idle cycles in it. */
  inputSpan: number;
  inputIdle: number;
  /** Every input pause, in order (at most 20). */
  bubbles: InputBubble[];
}

export function txThroughput(frames: readonly TxFrame[], rtl: TxEngineRun): TxThroughput {
  const bb = rtl.beatBytes;
  let inBeats = 0, resyncCycles = 0, seekCycles = 0;
  const bubbles: InputBubble[] = [];
  frames.forEach((f, i) => {
    const beats = beatsOf(f.data.length, bb);
    inBeats += beats;
    const a = rtl.frameAccept[i];
    if (f.user.kind === FrameKind.RESYNC) {
      resyncCycles += a.last - a.first + 1;
      if (f.data.length > 2 && (f.data[2]! & ResyncFlag.SEEK) !== 0) seekCycles += a.last - a.first + 1;
    }
    if (i > 0 && a.first !== rtl.frameAccept[i - 1].last + 1 && bubbles.length < 20) {
      bubbles.push({ frameIndex: i, where: 'before', cycles: a.first - rtl.frameAccept[i - 1].last - 1, atCycle: rtl.frameAccept[i - 1].last + 1 });
    }
    if (a.last - a.first + 1 !== beats && bubbles.length < 20) {
      bubbles.push({ frameIndex: i, where: 'inside', cycles: a.last - a.first + 1 - beats, atCycle: a.first });
    }
  });
  let outBeats = 0, wire = 0, payload = 0;
  for (const p of rtl.packets) {
    outBeats += beatsOf(p.data.length, bb);
    wire += p.data.length;
    const t = parseTcpPacket(p.data);
    if (!isParseError(t)) payload += t.payloadLength;
  }
  const first = frames.length ? rtl.frameAccept[0].first : 0;
  const lastIn = frames.length ? rtl.frameAccept[frames.length - 1].last : -1;
  const lastOut = rtl.packets.length ? rtl.packets[rtl.packets.length - 1].lastCycle : lastIn;
  const cycles = Math.max(lastIn, lastOut) - first + 1;
  const inputSpan = lastIn - first + 1;
  return {
    cycles,
    inBeats,
    outBeats,
    beatsPerCycle: inBeats / cycles,
    wireBytesPerCycle: wire / cycles,
    payloadBytesPerCycle: payload / cycles,
    resyncCycles,
    prefixCycles: resyncCycles - seekCycles,
    seekCycles,
    inputSpan,
    inputIdle: inputSpan - inBeats,
    bubbles,
  };
}
