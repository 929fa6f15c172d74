// Replay of a real capture through an RX engine, as the receiving host. For every direction the
// TX replay offloads (harness/replay/replay.ts: TLS 1.2/1.3 AES-GCM, handshake in the capture, secrets in
// the keylog), the receiver installs an RX context from the keylog at the start of the TLS stream
// (the first application record; TLS 1.2's Finished is the library's) just before the direction's
// first packet carrying application-record bytes. Every packet of the capture reaches the engine
// in capture order — TCP packets with their checksum made right, as the wire carries them
// (captures taken at a sender with checksum offload, or on loopback, hold partial or zero ones) —
// and the kernel model (models/kernel-rx.ts, device-driven resync) takes the engine's output and
// answers its resync requests before the next packet arrives. The engine's output is then checked
// against the keylog, not against the engine model:
//   * one output packet per capture packet, in order; an unmarked one is its input byte for byte;
//   * a marked one belongs to an offloaded direction, has the input's length, headers, record
//     headers, explicit nonces and tags, and every record payload byte equal to what the keylog
//     decrypts (a record the capture ends inside: as far as it goes);
//   * the host recovers every complete record of the direction, content type and bytes.
// The engine here is the golden model or the RTL; with the RTL the consumed frame sequence (kernel
// answers included) is replayed into it and its output must also equal the model's frame for frame.
// The flow table (rxReplayTable): N_CTX of the plan (a power of two ≥ 16), BUCKETS = N_CTX / 2
// (4·BUCKETS = 2·N_CTX main slots, plus the 4-entry stash: at most half full). The engine's first input frame is a
// HASH_KEY control frame with a fixed key, hashKeyFromSeed(RX_REPLAY_HASH_KEY_SEED): a capture has
// no seed, so every replay uses this one key (the summary and the printout say which).
import { bytesEqual } from '../../models/bytes.ts';
import { createKernelRx, kernelRxDelete, kernelRxInstall, kernelRxOpen, kernelRxReceive, type KernelRxConn } from '../../models/kernel-rx.ts';
import { hashKeyFromSeed } from '../../models/flow-table.ts';
import { createNicRx, nicRxStep, type NicRxConfig, type RxCounters } from '../../models/nic-rx.ts';
import { isParseError, parseTcpPacket, withFixedTcpChecksum } from '../../models/packet.ts';
import type { PcapPacket } from '../../models/pcap.ts';
import { decodeRxEvent, RxInKind, RxOutKind, rxHashKeyFrame, rxPacketFrame, type RxFrame, type RxOutFrame } from '../../models/rx-frames.ts';
import { seqDiff } from '../../models/tcp-seq.ts';
import { recordPrefixLen, TLS_TAG_LEN } from '../../models/tls-record.ts';
import { compareRxRun, runRxModel } from '../rx/compare.ts';
import { rxRunBucketsFor } from '../rx/run-scenario.ts';
import type { RxEngineRun } from '../rx/sim.ts';
import type { ReplayPlan, ReplayReceiver, RxDirectionReport } from './replay.ts';

/** An RX engine: the whole input stream in, its output stream and counters out. */
export type RxReplayEngine = (frames: readonly RxFrame[]) => Promise<RxEngineRun>;

/** Flow table of the replay's RX engine for a plan's N_CTX: BUCKETS = N_CTX / 2 buckets × 4 ways + 4 stash (at most half full). */
export function rxReplayTable(nCtx: number): NicRxConfig {
  return { nCtx, buckets: rxRunBucketsFor(nCtx) };
}

/** The constant seed of the replay's flow-table hash key (a capture has no seed of its own). */
export const RX_REPLAY_HASH_KEY_SEED = 0x7e91a7;

/** The hash key every replay sets first: hashKeyFromSeed(RX_REPLAY_HASH_KEY_SEED). */
export function rxReplayHashKey(): Uint8Array {
  return hashKeyFromSeed(RX_REPLAY_HASH_KEY_SEED);
}

/** The golden model (models/nic-rx.ts) as an engine. */
export function goldenRxEngine(cfg: NicRxConfig): RxReplayEngine {
  return async (frames) => {
    const m = runRxModel(frames, cfg);
    return {
      outputs: m.outputs.map((o) => ({ kind: o.frame.user.kind, decrypted: o.frame.user.decrypted, data: o.frame.data, firstCycle: 0, lastCycle: 0 })),
      frameAccept: frames.map(() => ({ first: 0, last: 0 })),
      counters: m.counters,
      protocolErrors: [],
      cycles: 0,
      simSeconds: 0,
      beatBytes: 0,
    };
  };
}

export interface RxReplayReport {
  /** Per capture packet: what the engine handed the host (null: it handed nothing). */
  packets: (Uint8Array | null)[];
  decrypted: boolean[];
  counters: RxCounters;
  cycles: number | null;
  frames: number;
  /** First difference between the engine and the golden model (RTL only). */
  modelMismatch: string | null;
  /** Problems not tied to an offloaded direction. */
  otherProblems: string[];
  ok: boolean;
}

/** The engine's input stream: the hash key, capture packets (checksums right), installs, kernel answers, deletes. */
function closedLoop(packets: readonly PcapPacket[], plan: ReplayPlan, cfg: NicRxConfig): RxFrame[] {
  const nic = createNicRx(cfg);
  const kernel = createKernelRx();
  const conns = plan.receivers.map((r) => kernelRxOpen(kernel, { tuple: r.tuple, ctxId: r.ctxId, crypto: r.crypto, recordSeq: r.recordSeq, startSeq: r.startSn, mode: 'device' }));
  const installs = new Map<number, KernelRxConn[]>();
  plan.receivers.forEach((r, k) => installs.set(r.installAt, [...(installs.get(r.installAt) ?? []), conns[k]]));
  const inputs: RxFrame[] = [];
  const feed = (f: RxFrame): void => {
    inputs.push(f);
    const answers: RxFrame[] = [];
    for (const out of nicRxStep(nic, f).out) answers.push(...kernelRxReceive(kernel, out));
    // The kernel answers before the next packet arrives.
    for (const a of answers) feed(a);
  };
  // The driver's first frame: the flow table's (fixed) hash key, into the empty table.
  feed(rxHashKeyFrame(rxReplayHashKey()));
  packets.forEach((p, i) => {
    for (const c of installs.get(i) ?? []) feed(kernelRxInstall(kernel, c));
    feed(rxPacketFrame(wireFrame(p.data)));
  });
  for (const c of conns) {
    const del = kernelRxDelete(c);
    if (del) feed(del);
  }
  return inputs;
}

/** A captured frame as it reaches the receiver: TCP checksum right (the wire's, not the capture point's). */
export function wireFrame(data: Uint8Array): Uint8Array {
  return isParseError(parseTcpPacket(data)) ? data : withFixedTcpChecksum(data);
}

/** Index of the record holding TCP sequence number s, or -1. */
function recordAt(r: ReplayReceiver, s: number): number {
  for (let k = r.records.length - 1; k >= 0; k--) {
    const q = seqDiff(s, r.records[k].tcpSeq);
    if (q >= 0) return q < r.records[k].plain.length ? k : -1;
  }
  return -1;
}

/** Null when a marked packet is right, else what is wrong; counts its decrypted payload bytes. */
function checkMarked(r: ReplayReceiver, input: Uint8Array, out: Uint8Array, stats: { bytes: number }): string | null {
  const p = parseTcpPacket(input);
  if (isParseError(p)) return 'marked but not a TCP packet';
  if (out.length !== input.length) return `marked packet of ${out.length} bytes, ${input.length} came in`;
  const a = p.payloadOffset;
  const e = a + p.payloadLength;
  if (p.payloadLength === 0) return 'marked without payload';
  for (let k = 0; k < out.length; k++) if ((k < a || k >= e) && out[k] !== input[k]) return `marked packet's frame byte ${k} (outside the TCP payload) changed`;
  const ps = recordPrefixLen(r.crypto.version);
  for (let k = 0; k < p.payloadLength; k++) {
    const s = (p.seq + k) >>> 0;
    const ri = recordAt(r, s);
    if (ri < 0) return `marked, but tcp seq ${s} (payload byte ${k}) is not application-record data`;
    const rec = r.records[ri];
    const q = seqDiff(s, rec.tcpSeq);
    if (!rec.complete && q === rec.length - 1) return `marked, but record ${rec.recordSeq} ending in it was never authenticated`;
    const inPayload = q >= ps && q < rec.length - TLS_TAG_LEN;
    const want = inPayload ? rec.plain[q] : input[a + k];
    if (out[a + k] !== want) {
      const what = inPayload ? 'the keylog decrypts' : 'came in';
      return `payload byte ${k} (record ${rec.recordSeq} byte ${q}, tcp seq ${s}) is 0x${out[a + k].toString(16).padStart(2, '0')}, ${what} 0x${want.toString(16).padStart(2, '0')}`;
    }
    if (inPayload) stats.bytes++;
  }
  return null;
}

const MAX_DETAILS = 5;

export async function runRxReplay(packets: readonly PcapPacket[], plan: ReplayPlan, engine: RxReplayEngine, cfg: NicRxConfig): Promise<RxReplayReport> {
  const frames = closedLoop(packets, plan, cfg);
  const res = await engine(frames);
  const model = runRxModel(frames, cfg);
  const mm = compareRxRun(model, res);
  const modelMismatch = mm ? mm.message : null;

  const reports: RxDirectionReport[] = plan.receivers.map(() => ({
    install: 'none',
    decryptedPackets: 0,
    decryptedBytes: 0,
    records: 0,
    recordPaths: { device: 0, mixed: 0, software: 0 },
    resyncRequests: 0,
    resyncConfirms: 0,
    result: 'PASS',
    reason: null,
    problems: [],
  }));
  const other: string[] = [];
  const problem = (k: number, msg: string) => {
    if (k < 0) {
      if (other.length < MAX_DETAILS) other.push(msg);
      return;
    }
    const rep = reports[k];
    rep.result = 'FAIL';
    rep.problems.push(msg);
  };

  // The host's view of the engine's output: a fresh kernel model (the answers it would send are
  // already in the input stream).
  const kernel = createKernelRx();
  const conns = plan.receivers.map((r) => kernelRxOpen(kernel, { tuple: r.tuple, ctxId: r.ctxId, crypto: r.crypto, recordSeq: r.recordSeq, startSeq: r.startSn, mode: 'device' }));
  for (const c of conns) kernelRxInstall(kernel, c);
  const byCtx = new Map(plan.receivers.map((r, k) => [r.ctxId, k]));
  const outPackets: RxOutFrame[] = [];
  for (const o of res.outputs) {
    const f: RxOutFrame = { user: { kind: o.kind, decrypted: o.decrypted }, data: o.data };
    if (o.kind === RxOutKind.EVENT) {
      const ev = decodeRxEvent(f);
      const k = ev ? byCtx.get(ev.ctxId) : undefined;
      if (ev && k !== undefined) {
        if (ev.code === 'install_result') reports[k].install = ev.status;
        else reports[k].resyncRequests++;
      } else if (!ev) other.push('a malformed event frame');
    } else if (o.kind === RxOutKind.PACKET) outPackets.push(f);
    else other.push(`an output frame of kind ${o.kind}`);
    kernelRxReceive(kernel, f);
  }

  const inPackets = frames.filter((f) => f.user.kind === RxInKind.PACKET);
  if (outPackets.length !== packets.length) other.push(`the engine handed over ${outPackets.length} packets, the capture holds ${packets.length}`);
  const out: (Uint8Array | null)[] = packets.map((_, i) => outPackets[i]?.data ?? null);
  const decrypted = packets.map((_, i) => outPackets[i]?.user.decrypted ?? false);
  for (let i = 0; i < Math.min(packets.length, outPackets.length); i++) {
    const k = plan.receiverOf[i];
    const input = inPackets[i].data;
    const o = outPackets[i];
    if (!o.user.decrypted) {
      if (!bytesEqual(o.data, input)) problem(k, `frame ${i + 1}: not marked decrypted, but not handed over as received`);
      continue;
    }
    if (k < 0) {
      problem(k, `frame ${i + 1}: marked decrypted, but it belongs to no offloaded direction`);
      continue;
    }
    const stats = { bytes: 0 };
    const bad = checkMarked(plan.receivers[k], input, o.data, stats);
    if (bad) problem(k, `frame ${i + 1}: ${bad}`);
    reports[k].decryptedPackets++;
    reports[k].decryptedBytes += stats.bytes;
  }

  plan.receivers.forEach((r, k) => {
    const rep = reports[k];
    const c = conns[k];
    rep.records = c.records.length;
    rep.recordPaths = { ...c.stats.records };
    rep.resyncConfirms = c.stats.confirmsSent;
    const want = r.records.filter((x) => x.complete);
    const n = Math.min(want.length, c.records.length);
    let first = -1;
    for (let j = 0; j < n && first < 0; j++) if (c.records[j].contentType !== want[j].contentType || !bytesEqual(c.records[j].data, want[j].content)) first = j;
    if (first >= 0 || c.records.length !== want.length) {
      problem(k, `the host recovered ${c.records.length} records, the keylog decrypts ${want.length}${first >= 0 ? `; record ${want[first].recordSeq} differs` : ''}${c.error ? ` (${c.error})` : ''}`);
    }
    if (rep.install !== 'ok' && rep.result === 'PASS') {
      rep.result = 'SKIPPED';
      rep.reason = rep.install === 'bucket_full' ? 'RX install failed: no place in the flow table for the tuple (the connection stays in software)' : `RX install result ${rep.install}`;
    }
    if (rep.problems.length > 0) rep.reason = `${rep.problems.length} problem(s): ${rep.problems[0]}`;
    rep.problems = rep.problems.slice(0, MAX_DETAILS);
    r.report.rx = rep;
  });
  if (modelMismatch) other.unshift(`RX engine vs golden model: ${modelMismatch}`);
  const ok = other.length === 0 && reports.every((r) => r.result !== 'FAIL');
  return { packets: out, decrypted, counters: res.counters, cycles: res.cycles || null, frames: frames.length, modelMismatch, otherProblems: other, ok };
}
