// Compares an RX engine RTL run (harness/rx/sim.ts) with the golden model (models/nic-rx.ts):
// the output frames (packets and events, with their kind and decrypted mark) in order, byte for
// byte, and every counter. A mismatch names the output frame, the input frame it came from, the
// model's verdict and the first differing byte.
import { toHex } from '../../models/bytes.ts';
import { isParseError, parseTcpPacket } from '../../models/packet.ts';
import { createNicRx, nicRxStep, RX_COUNTER_NAMES, type NicRxConfig, type RxCounters, type RxVerdict } from '../../models/nic-rx.ts';
import { isRxHashKeyFrame, RxInKind, type RxFrame, type RxOutFrame } from '../../models/rx-frames.ts';
import type { RxEngineRun } from './sim.ts';

export interface RxModelOutput {
  frame: RxOutFrame;
  frameIndex: number;
  verdict: RxVerdict;
}

export interface RxModelRun {
  verdicts: RxVerdict[];
  outputs: RxModelOutput[];
  counters: RxCounters;
}

/** The golden model over a batch from reset. */
export function runRxModel(frames: readonly RxFrame[], config: NicRxConfig): RxModelRun {
  const st = createNicRx(config);
  const verdicts: RxVerdict[] = [];
  const outputs: RxModelOutput[] = [];
  frames.forEach((f, frameIndex) => {
    const r = nicRxStep(st, { user: f.user, data: f.data.slice() });
    verdicts.push(r.verdict);
    for (const o of r.out) outputs.push({ frame: o, frameIndex, verdict: r.verdict });
  });
  return { verdicts, outputs, counters: { ...st.counters } };
}

/**
 * The frames with context ids renumbered densely (first seen, first numbered) so a scenario with
 * ids anywhere in 0..65535 runs on a small N_CTX build. Control frames addressing the same id get
 * the same new id; packets carry no id. HASH_KEY frames keep their id (0: it addresses no context)
 * and number nothing. Behaviour is unchanged as long as every id fits.
 */
export function compactCtxIds(frames: readonly RxFrame[], nCtx: number): RxFrame[] {
  const map = compactCtxIdMap(frames);
  return frames.map((f) => {
    if (f.user.kind !== RxInKind.CONTROL || isRxHashKeyFrame(f)) return f;
    const id = map.get(f.user.ctxId) as number;
    if (id >= nCtx) throw new Error(`compactCtxIds: more than ${nCtx} context ids`);
    return { user: { ...f.user, ctxId: id }, data: f.data };
  });
}

/** compactCtxIds' renumbering: original id → new id. */
export function compactCtxIdMap(frames: readonly RxFrame[]): Map<number, number> {
  const map = new Map<number, number>();
  for (const f of frames) {
    if (f.user.kind !== RxInKind.CONTROL || isRxHashKeyFrame(f)) continue;
    if (!map.has(f.user.ctxId)) map.set(f.user.ctxId, map.size);
  }
  return map;
}

export interface RxMismatch {
  kind: 'protocol' | 'frame' | 'missing' | 'extra' | 'counter';
  message: string;
  outputIndex?: number;
  frameIndex?: number;
}

function describe(o: { user: { kind: number; decrypted: boolean }; data: Uint8Array }): string {
  return `${o.user.kind === 1 ? 'event' : 'packet'}${o.user.kind === 0 ? (o.user.decrypted ? ' decrypted' : ' untouched') : ''} ${o.data.length} bytes`;
}

function excerpt(b: Uint8Array, at: number): string {
  const s = Math.max(0, at - 8);
  return `@${s} ${toHex(b.subarray(s, at))}|${toHex(b.subarray(at, at + 16))}`;
}

/** The first difference between the model and the RTL, or null when they agree completely. */
export function compareRxRun(model: RxModelRun, rtl: RxEngineRun): RxMismatch | null {
  if (rtl.protocolErrors.length > 0) {
    return { kind: 'protocol', message: `AXI-Stream protocol violations: ${rtl.protocolErrors.slice(0, 5).join('; ')}` };
  }
  const n = Math.max(model.outputs.length, rtl.outputs.length);
  for (let i = 0; i < n; i++) {
    const m = model.outputs[i];
    const r = rtl.outputs[i];
    if (!r) return { kind: 'missing', outputIndex: i, frameIndex: m.frameIndex, message: `output ${i} missing (${describe(m.frame)} from input frame ${m.frameIndex}, verdict ${m.verdict}); the RTL sent ${rtl.outputs.length}, the model ${model.outputs.length}` };
    const rd = { user: { kind: r.kind, decrypted: r.decrypted }, data: r.data };
    if (!m) return { kind: 'extra', outputIndex: i, message: `extra output ${i}: ${describe(rd)} ${excerpt(r.data, 0)}` };
    let off = -1;
    const k = Math.min(m.frame.data.length, r.data.length);
    for (let j = 0; j < k; j++) if (m.frame.data[j] !== r.data[j]) { off = j; break; }
    if (off < 0 && m.frame.data.length !== r.data.length) off = k;
    if (off >= 0 || m.frame.user.kind !== r.kind || m.frame.user.decrypted !== r.decrypted) {
      return {
        kind: 'frame', outputIndex: i, frameIndex: m.frameIndex,
        message: `output ${i} (from input frame ${m.frameIndex}, verdict ${m.verdict}): expected ${describe(m.frame)}, got ${describe(rd)}` +
          (off >= 0 ? `; first difference at byte ${off}:\n  expected ${excerpt(m.frame.data, off)}\n  got      ${excerpt(r.data, off)}` : ''),
      };
    }
  }
  const bad = RX_COUNTER_NAMES.filter((c) => model.counters[c] !== rtl.counters[c]);
  if (bad.length > 0) return { kind: 'counter', message: `counters differ: ${bad.map((c) => `${c} expected ${model.counters[c]} got ${rtl.counters[c]}`).join(', ')}` };
  return null;
}

/** Where the RX engine's input was idle between or inside frames. */
export interface RxInputBubble {
  frameIndex: number;
  where: 'before' | 'inside';
  cycles: number;
  /** The frame before the bubble is a control frame (the engine drains its pipeline for it). */
  afterControl: boolean;
}

export interface RxThroughput {
  /** First input beat to the last output beat. */
  cycles: number;
  inBeats: number;
  /** First to last input beat: equals inBeats when the input never waited. */
  inputSpan: number;
  /** Idle input cycles that do not follow a control frame (none expected without stalls). */
  dataIdle: number;
  /** Idle input cycles right after control frames (installs, resync responses). */
  controlIdle: number;
  beatsPerCycle: number;
  /** Wire bytes of output packets, and their TCP payload, per cycle. */
  wireBytesPerCycle: number;
  payloadBytesPerCycle: number;
  decryptedBytes: number;
  bubbles: RxInputBubble[];
}

/** Throughput of an RTL run from its cycle stamps (frames: the batch that was sent). */
export function rxThroughput(frames: readonly RxFrame[], rtl: RxEngineRun): RxThroughput {
  const bb = rtl.beatBytes;
  const beats = (n: number): number => Math.max(1, Math.ceil(n / bb));
  let inBeats = 0, dataIdle = 0, controlIdle = 0;
  const bubbles: RxInputBubble[] = [];
  frames.forEach((f, i) => {
    const n = beats(f.data.length);
    inBeats += n;
    const a = rtl.frameAccept[i];
    if (i > 0) {
      const gap = a.first - rtl.frameAccept[i - 1].last - 1;
      const afterControl = frames[i - 1].user.kind === RxInKind.CONTROL;
      if (gap > 0) {
        if (afterControl) controlIdle += gap;
        else dataIdle += gap;
        if (bubbles.length < 20) bubbles.push({ frameIndex: i, where: 'before', cycles: gap, afterControl });
      }
    }
    const inside = a.last - a.first + 1 - n;
    if (inside > 0) {
      dataIdle += inside;
      if (bubbles.length < 20) bubbles.push({ frameIndex: i, where: 'inside', cycles: inside, afterControl: false });
    }
  });
  let wire = 0, payload = 0, decryptedBytes = 0;
  for (const o of rtl.outputs) {
    if (o.kind !== 0) continue;
    wire += o.data.length;
    const t = parseTcpPacket(o.data);
    if (!isParseError(t)) {
      payload += t.payloadLength;
      if (o.decrypted) decryptedBytes += t.payloadLength;
    }
  }
  const first = frames.length ? rtl.frameAccept[0].first : 0;
  const lastIn = frames.length ? rtl.frameAccept[frames.length - 1].last : -1;
  const lastOut = rtl.outputs.length ? rtl.outputs[rtl.outputs.length - 1].lastCycle : lastIn;
  const cycles = Math.max(lastIn, lastOut) - first + 1;
  return {
    cycles,
    inBeats,
    inputSpan: lastIn - first + 1,
    dataIdle,
    controlIdle,
    beatsPerCycle: inBeats / cycles,
    wireBytesPerCycle: wire / cycles,
    payloadBytesPerCycle: payload / cycles,
    decryptedBytes,
    bubbles,
  };
}
