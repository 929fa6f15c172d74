// Directed RX scenarios, one per class of docs/rx-engine-model.md: every segment placed by hand so
// that a given situation (a reordered non-header segment, a lost header and the scan resync that
// follows, a false lock, a confirmation with a header half received, host-driven resync, duplicates,
// corrupted tags, bad checksums, an impossible length, oversize frames, a full flow table for one
// tuple's two buckets, a delete, an install that replaces, malformed control frames) happens at a
// known packet. The model suite (test/nic-rx-model.test.ts) asserts each one's verdicts and
// counters against what the layout predicts; the RTL suite (test/rtl-rx-engine.test.ts) replays
// the very same frames into the RTL and compares it with the model. Builders return the scenario, the closed-loop options it needs and the positions the
// model suite's assertions refer to (`facts`).
import { toHex } from '../../models/bytes.ts';
import { tupleKey } from '../../models/flow-hash.ts';
import { ftConfig, ftCreate, ftHashes, hashKeyFromSeed, FT_DEFAULT_STASH, FT_WAYS } from '../../models/flow-table.ts';
import { MAX_RECORD_LEN, type NicRxConfig, type RxCounters } from '../../models/nic-rx.ts';
import { buildTcpPacket, TcpFlag, type FlowTuple } from '../../models/packet.ts';
import { createPrng } from '../../models/prng.ts';
import { RxInKind, rxDeleteFrame, rxHashKeyFrame, rxInstallFrame, rxPacketFrame, rxResyncFrame, type RxFrame } from '../../models/rx-frames.ts';
import type { TlsVersion } from '../../models/tls-record.ts';
import { compactCtxIds } from './compare.ts';
import {
  addRxFlow, buildRxScenario, createRxScenario, pushDelete, pushInstall, pushSegment, recordOffset, runRxScenario, rxScenarioHashKey,
  type RxFlowOptions, type RxFlowSpec, type RxRunOptions, type RxScenario, type RxScenarioBuilder,
} from './scenario.ts';

/** A segment as [stream offset from isn, payload length]. */
export type Segment = [number, number];

/** The engine build a case must fit: context ids, flow-table buckets (NB), longest processed frame. */
export interface RxDirectedTarget {
  nCtx: number;
  buckets: number;
  maxFrameBytes: number;
}

/** Closed-loop settings a scenario relies on (kernel answer latency, engine config overrides). */
export interface RxDirectedRun {
  latency: number;
  minLatency?: number;
  nic?: Partial<NicRxConfig>;
}

export interface RxDirectedScenario<F> {
  kind: 'scenario';
  name: string;
  scenario: RxScenario;
  run: RxDirectedRun;
  facts: F;
}

/** A case that is a fixed frame sequence for a fresh engine (no kernel in the loop); its first frame sets the hash key. */
export interface RxDirectedFrames<F> {
  kind: 'frames';
  name: string;
  frames: RxFrame[];
  nic: NicRxConfig;
  facts: F;
}

export type RxDirectedCase = RxDirectedScenario<unknown> | RxDirectedFrames<unknown>;

/** A one-flow directed scenario: a 100-byte handshake segment, the install, then the caller's segments. */
export function directedFlow(seed: number, version: TlsVersion, recordSizes: number[], extra: Partial<RxFlowOptions> = {}) {
  const b = createRxScenario(seed);
  const f = addRxFlow(b, { version, recordSizes, preOffload: 100, ipVersion: seed % 2 ? 6 : 4, vlan: seed % 3 === 0, ...extra });
  pushSegment(b, f, 0, 100);
  pushInstall(b, f);
  return { b, f };
}

/** Cuts [from, to) into segments of `seg` bytes. */
export function cuts(from: number, to: number, seg: number): Segment[] {
  const out: Segment[] = [];
  for (let a = from; a < to; a += seg) out.push([a, Math.min(seg, to - a)]);
  return out;
}

function push(b: RxScenarioBuilder, f: RxFlowSpec, s: Segment): void {
  pushSegment(b, f, s[0], s[1]);
}

/** Index of the segment holding record 1's whole header (the one a header-loss case drops). */
function headerSegment(f: RxFlowSpec, s: Segment[]): number {
  const r1 = recordOffset(f, 1);
  return s.findIndex(([a, n]) => a <= r1 && r1 + 5 <= a + n);
}

/** Every segment in order except `lost`, which is retransmitted `after` segments later. */
function lateOrder(s: Segment[], lost: number, after: number): number[] {
  const order = [...s.keys()].filter((i) => i !== lost);
  order.splice(order.indexOf(lost + after), 0, lost);
  return order;
}

export interface SegmentFacts {
  f: RxFlowSpec;
  s: Segment[];
}

export interface LossFacts extends SegmentFacts {
  /** Index (in s) of the segment lost and retransmitted later. */
  lost: number;
}

// ---------------------------------------------------------------------------------------------
// Reorder classes

/** Segment 1 (no header) arrives last: the engine skips it by the known record length and keeps sync. */
export function reorderNonHeader(version: TlsVersion): RxDirectedScenario<SegmentFacts> {
  const { b, f } = directedFlow(11, version, [3000, 3000, 3000]);
  const s = cuts(100, f.stream.length, 1200);
  for (const [i, seg] of s.entries()) if (i !== 1) push(b, f, seg);
  push(b, f, s[1]);
  return { kind: 'scenario', name: `reorder of a non-header segment (${version})`, scenario: buildRxScenario(b), run: { latency: 0 }, facts: { f, s } };
}

/** Record 1's header segment is lost and retransmitted five segments later: wait, scan, request, confirm, resume. */
export function lostHeader(version: TlsVersion): RxDirectedScenario<LossFacts> {
  const { b, f } = directedFlow(12, version, new Array(12).fill(4000));
  const s = cuts(100, f.stream.length, 1000);
  const lost = headerSegment(f, s);
  for (const i of lateOrder(s, lost, 5)) push(b, f, s[i]);
  return { kind: 'scenario', name: `lost header: wait, scan, request, confirm, resume (${version})`, scenario: buildRxScenario(b), run: { latency: 0 }, facts: { f, s, lost } };
}

export interface FalseLockFacts extends LossFacts {
  /** Record holding the planted header pattern, and the pattern's stream offset. */
  rec: number;
  falseAt: number;
  /** Where the scan starts (stream offset). */
  scanFrom: number;
}

/**
 * The lost-header layout with 17 03 03 00 64 planted in the ciphertext just past where the scan
 * starts, 50 bytes before a segment boundary, so the predicted header (105 bytes on) is checked
 * in the next packet and the false lock is dropped there.
 */
export function falseLock(version: TlsVersion): RxDirectedScenario<FalseLockFacts> {
  const sizes = new Array(12).fill(4000);
  const probe = directedFlow(13, version, sizes).f;
  const s = cuts(100, probe.stream.length, 1000);
  const lost = headerSegment(probe, s);
  const scanFrom = s[lost][0] + MAX_RECORD_LEN;
  const boundary = s.find(([a]) => a >= scanFrom + 60)![0];
  const falseAt = boundary - 50;
  const rec = probe.records.findIndex((_, i) => recordOffset(probe, i) <= falseAt && falseAt < recordOffset(probe, i + 1));
  const { b, f } = directedFlow(13, version, sizes, { plants: [{ record: rec, offset: falseAt - recordOffset(probe, rec), bytes: Uint8Array.of(0x17, 3, 3, 0, 100) }] });
  for (const i of lateOrder(s, lost, 5)) push(b, f, s[i]);
  return { kind: 'scenario', name: `false lock on a planted header pattern (${version})`, scenario: buildRxScenario(b), run: { latency: 0 }, facts: { f, s, lost, rec, falseAt, scanFrom } };
}

export interface HalfHeaderFacts extends LossFacts {
  /** The candidate record (first header past the scan start), its offset, the next record's offset. */
  cand: number;
  H: number;
  next: number;
}

/**
 * The lost-header layout, but the candidate is a short record and one packet carries its header
 * and ends `held` bytes (1..4) into the next header. The host confirms right after that packet,
 * so the engine resumes with those header bytes already seen.
 */
export function confirmHalfHeader(version: TlsVersion, held: number): RxDirectedScenario<HalfHeaderFacts> {
  const sizes = new Array(12).fill(4000);
  const probe = directedFlow(16, version, sizes).f;
  const s0 = cuts(100, probe.stream.length, 1000);
  const lost = headerSegment(probe, s0);
  const scanFrom = s0[lost][0] + MAX_RECORD_LEN;
  const cand = probe.records.findIndex((_, i) => recordOffset(probe, i) >= scanFrom);
  sizes[cand] = 1000;
  const { b, f } = directedFlow(16, version, sizes);
  const H = recordOffset(f, cand);
  const next = recordOffset(f, cand + 1);
  const s: Segment[] = [...cuts(100, H - 100, 1000), [H - 100, next + held - (H - 100)], ...cuts(next + held, f.stream.length, 1000)];
  for (const i of lateOrder(s, lost, 5)) push(b, f, s[i]);
  return {
    kind: 'scenario', name: `confirmation with the next header's first ${held} of 5 bytes held (${version})`, scenario: buildRxScenario(b), run: { latency: 0 },
    facts: { f, s, lost, cand, H, next },
  };
}

export interface LockLossFacts extends LossFacts {
  /** The candidate record the engine locks on, its offset and the next (predicted) header's offset. */
  cand: number;
  H: number;
  next: number;
  /** Segments lost while locked: one inside the candidate record, then the one holding the next header. */
  inRecord: number;
  atHeader: number;
}

/**
 * The lost-header layout with the kernel slow to answer (40 packets), so the engine stays locked
 * on its candidate, and two more segments lost meanwhile: one inside the candidate record (the
 * packet after it is still before the predicted header: the lock holds and its header history
 * restarts), then the one holding the predicted header (the packet after it is past it: the lock
 * is dropped and the engine waits again). Each lost segment arrives again 10 segments later.
 */
export function lossWhileLocked(version: TlsVersion): RxDirectedScenario<LockLossFacts> {
  const { b, f } = directedFlow(17, version, new Array(24).fill(4000));
  const s = cuts(100, f.stream.length, 1000);
  const lost = headerSegment(f, s);
  const scanFrom = s[lost][0] + MAX_RECORD_LEN;
  const cand = f.records.findIndex((_, i) => recordOffset(f, i) >= scanFrom);
  const H = recordOffset(f, cand);
  const next = recordOffset(f, cand + 1);
  const holding = (x: number) => s.findIndex(([a, n]) => a <= x && x < a + n);
  const inRecord = holding(H + 4) + 1;
  const atHeader = holding(next + 1);
  const order = lateOrder(s, lost, 5);
  for (const k of [inRecord, atHeader]) {
    order.splice(order.indexOf(k), 1);
    order.splice(order.indexOf(k + 10) + 1, 0, k);
  }
  for (const i of order) push(b, f, s[i]);
  return {
    kind: 'scenario', name: `segments lost while locked: the lock holds, then drops (${version})`, scenario: buildRxScenario(b), run: { latency: 40, minLatency: 40 },
    facts: { f, s, lost, cand, H, next, inRecord, atHeader },
  };
}

/** A host-driven connection loses record 1's header: fully encrypted records until the kernel's hint. */
export function hostResync(version: TlsVersion): RxDirectedScenario<LossFacts> {
  const { b, f } = directedFlow(14, version, new Array(12).fill(4000), { mode: 'host' });
  const s = cuts(100, f.stream.length, 1000);
  const lost = headerSegment(f, s);
  for (const i of lateOrder(s, lost, 5)) push(b, f, s[i]);
  return { kind: 'scenario', name: `host-driven resync after fully encrypted records (${version})`, scenario: buildRxScenario(b), run: { latency: 0 }, facts: { f, s, lost } };
}

/** Host-driven, small records and a 40-packet answer latency: every hint is behind the stream. */
export function lateHints(): RxDirectedScenario<LossFacts> {
  const { b, f } = directedFlow(15, '1.3', new Array(40).fill(2000), { mode: 'host' });
  const s = cuts(100, f.stream.length, 700);
  const lost = headerSegment(f, s);
  for (const i of lateOrder(s, lost, 3)) push(b, f, s[i]);
  return { kind: 'scenario', name: 'host-driven hints that arrive too late', scenario: buildRxScenario(b), run: { latency: 40, minLatency: 40 }, facts: { f, s, lost } };
}

// ---------------------------------------------------------------------------------------------
// Duplicates, errors, table

export function duplicates(): RxDirectedScenario<SegmentFacts> {
  const { b, f } = directedFlow(21, '1.2', [2000, 2000, 2000, 2000, 2000]);
  const s = cuts(100, f.stream.length, 700);
  push(b, f, s[0]);
  push(b, f, s[1]);
  push(b, f, s[2]);
  push(b, f, s[1]); // exact duplicate
  push(b, f, s[3]);
  pushSegment(b, f, s[3][0] + 300, s[3][1] - 300 + s[4][1]); // old bytes + all of segment 4
  push(b, f, s[5]);
  push(b, f, s[0]); // old duplicate
  pushSegment(b, f, 50, 100); // straddles the install point, wholly old
  for (const seg of s.slice(6)) push(b, f, seg);
  return { kind: 'scenario', name: 'duplicates, old and overlapping segments', scenario: buildRxScenario(b), run: { latency: 0 }, facts: { f, s } };
}

export function corruptedTag(): RxDirectedScenario<SegmentFacts> {
  const { b, f } = directedFlow(22, '1.3', new Array(6).fill(1500), { badTags: [2] });
  const s = cuts(100, f.stream.length, 1000);
  for (const seg of s) push(b, f, seg);
  return { kind: 'scenario', name: 'corrupted tag of record 2', scenario: buildRxScenario(b), run: { latency: 0 }, facts: { f, s } };
}

/** Segment 3 arrives first with a bad checksum, and so does segment 5 (a future one). */
export function badChecksums(): RxDirectedScenario<SegmentFacts> {
  const { b, f } = directedFlow(23, '1.2', [3000, 3000, 3000, 3000]);
  const s = cuts(100, f.stream.length, 1000);
  for (const [i, seg] of s.entries()) {
    if (i === 3) {
      pushSegment(b, f, seg[0], seg[1], { badChecksum: true });
      pushSegment(b, f, s[5][0], s[5][1], { badChecksum: true });
    }
    push(b, f, seg);
  }
  return { kind: 'scenario', name: 'bad checksums (incl. a future segment)', scenario: buildRxScenario(b), run: { latency: 0 }, facts: { f, s } };
}

/** Record 2's length field is patched to 0xff.. (> 2^14 + 256) on the wire: sync lost there. */
export function impossibleLength(): RxDirectedScenario<SegmentFacts & { r2: number }> {
  const { b, f } = directedFlow(24, '1.3', [1000, 1000, 1000, 1000]);
  const r2 = recordOffset(f, 2);
  f.stream[r2 + 3] = 0xff;
  const s = cuts(100, f.stream.length, 700);
  for (const seg of s) push(b, f, seg);
  return { kind: 'scenario', name: 'impossible record length in sync', scenario: buildRxScenario(b), run: { latency: 0 }, facts: { f, s, r2 } };
}

/**
 * One segment longer than the engine's frame limit `maxFrameBytes` (its payload alone is 200
 * bytes over), inside record 0; the next segment then sees a gap inside record 0 and is skipped to
 * record 1. Records are sized from the limit so the layout is the same for any limit ≤ 14,000.
 */
export function oversizeFrames(maxFrameBytes: number): RxDirectedScenario<{ f: RxFlowSpec }> {
  const M = maxFrameBytes;
  const { b, f } = directedFlow(25, '1.3', [M + 2000, M + 2000]);
  pushSegment(b, f, 100, 500);
  pushSegment(b, f, 600, M + 200);
  pushSegment(b, f, M + 800, 500);
  pushSegment(b, f, M + 1300, Math.min(900, f.stream.length - (M + 1300)));
  for (let a = M + 2200; a < f.stream.length; a += 900) pushSegment(b, f, a, Math.min(900, f.stream.length - a));
  return { kind: 'scenario', name: `oversize frame (limit ${M} bytes)`, scenario: buildRxScenario(b), run: { latency: 0, nic: { maxFrameBytes: M } }, facts: { f } };
}

/** Connections of the full-table case: 2 buckets × 4 ways, the stash, and the one that fails. */
export const FULL_BUCKET_FLOWS = 2 * FT_WAYS + FT_DEFAULT_STASH + 1;

/**
 * FULL_BUCKET_FLOWS = 13 connections whose tuples all have the same two candidate buckets {h1, h2}
 * under the scenario's hash key (hashKeyFromSeed(31), which runRxScenario sets first) in a table
 * of `buckets` buckets: the first 8 installs fill the ways of h1 and h2, the next 4 the stash (no
 * displacement helps: every entry's other bucket is the other root), the 13th fails
 * (bucket_full). The tuples are found by search with ftHashes on an empty table of the same
 * geometry and key (random tuples, IPv4 and IPv6 alternately, kept when they hit the first one's
 * pair): about (NB/2)² tries per tuple, so NB is limited to 1,024 here.
 */
export function fullBucket(buckets: number): RxDirectedScenario<{ flows: RxFlowSpec[] }> {
  if (buckets > 1024) throw new Error(`fullBucket: the collision search is too long for ${buckets} buckets (at most 1,024)`);
  const seed = 31;
  const b = createRxScenario(seed);
  const addr = createPrng(seed ^ 0xb0c4);
  const table = ftCreate(ftConfig({ nCtx: buckets * FT_WAYS, hashKey: rxScenarioHashKey({ seed }) }));
  let target: { h1: number; h2: number } | null = null;
  const seen = new Set<string>();
  const flows: RxFlowSpec[] = [];
  for (let i = 0; i < FULL_BUCKET_FLOWS; i++) {
    const ipVersion = i % 2 ? 6 : 4;
    const al = ipVersion === 4 ? 4 : 16;
    let t: FlowTuple;
    for (;;) {
      t = { ipVersion, srcAddr: addr.bytes(al), dstAddr: addr.bytes(al), srcPort: 443, dstPort: addr.int(1024, 65535) };
      const h = ftHashes(table, t);
      target ??= h;
      const k = toHex(tupleKey(t));
      if (h.h1 === target.h1 && h.h2 === target.h2 && !seen.has(k)) {
        seen.add(k);
        break;
      }
    }
    flows.push(addRxFlow(b, { recordSizes: [5000, 5000], preOffload: 0, ipVersion, headers: { srcAddr: t.srcAddr, dstAddr: t.dstAddr, srcPort: t.srcPort, dstPort: t.dstPort } }));
  }
  for (const f of flows) pushInstall(b, f);
  for (const f of flows) for (const seg of cuts(0, f.stream.length, 1400)) push(b, f, seg);
  return {
    kind: 'scenario', name: `full table for one bucket pair (${FULL_BUCKET_FLOWS} tuples sharing {h1, h2}, ${buckets} buckets)`,
    scenario: buildRxScenario(b), run: { latency: 0, nic: { buckets } }, facts: { flows },
  };
}

export function deleteMidStream(): RxDirectedScenario<SegmentFacts> {
  const { b, f } = directedFlow(32, '1.2', [3000, 3000, 3000]);
  const s = cuts(100, f.stream.length, 1000);
  s.slice(0, 4).forEach((seg) => push(b, f, seg));
  pushDelete(b, f);
  s.slice(4).forEach((seg) => push(b, f, seg));
  return { kind: 'scenario', name: 'delete mid-stream', scenario: buildRxScenario(b), run: { latency: 0 }, facts: { f, s } };
}

export interface InstallReplaceFacts {
  /** The frames in the order of `frames`, by what each exercises. */
  hashKey: RxFrame;
  install5t1: RxFrame;
  install9t1: RxFrame;
  packet1: RxFrame;
  delete5: RxFrame;
  install9t2: RxFrame;
  packet1After: RxFrame;
  packet2: RxFrame;
  /** Install with id nCtx: beyond the table. */
  installBeyond: RxFrame;
  reserved: RxFrame;
  resyncNobody: RxFrame;
}

/**
 * Same tuple under a new id evicts the old context; a reused id drops its old tuple; then frames
 * the engine rejects: an id beyond the table, a reserved kind, a resync for nobody.
 */
export function installReplace(nic: NicRxConfig): RxDirectedFrames<InstallReplaceFacts> {
  const p = createPrng(33);
  const tuple = (port: number): FlowTuple => ({ ipVersion: 4, srcAddr: Uint8Array.of(10, 0, 0, 1), dstAddr: Uint8Array.of(10, 0, 0, 2), srcPort: 443, dstPort: port });
  const inst = (ctxId: number, t: FlowTuple): RxFrame => rxInstallFrame({ ctxId, tuple: t, version: '1.3', key: p.bytes(16), iv: p.bytes(12), recordSeq: 0n, startTcpSn: 1000, scan: true });
  const pkt = (t: FlowTuple) =>
    rxPacketFrame(buildTcpPacket({
      eth: { dst: new Uint8Array(6), src: new Uint8Array(6) },
      ip: { version: 4, src: t.srcAddr, dst: t.dstAddr, dscpEcn: 0, id: 0, flags: 2, fragOffset: 0, ttl: 64, options: new Uint8Array(0) },
      tcp: { srcPort: t.srcPort, dstPort: t.dstPort, seq: 1000, ack: 0, flags: TcpFlag.ACK, window: 1, urgent: 0, options: new Uint8Array(0) },
      payload: new Uint8Array(0),
    }));
  const facts: InstallReplaceFacts = {
    hashKey: rxHashKeyFrame(hashKeyFromSeed(33)),
    install5t1: inst(5, tuple(1)),
    install9t1: inst(9, tuple(1)),
    packet1: pkt(tuple(1)),
    delete5: rxDeleteFrame(5),
    install9t2: inst(9, tuple(2)),
    packet1After: pkt(tuple(1)),
    packet2: pkt(tuple(2)),
    installBeyond: inst(nic.nCtx, tuple(3)),
    reserved: { user: { kind: RxInKind.RESERVED2, ctxId: 0 }, data: new Uint8Array(4) },
    resyncNobody: rxResyncFrame({ ctxId: 3, tcpSn: 0, recordSeq: 0n, hostDriven: true }),
  };
  const frames = [facts.hashKey, facts.install5t1, facts.install9t1, facts.packet1, facts.delete5, facts.install9t2, facts.packet1After, facts.packet2, facts.installBeyond, facts.reserved, facts.resyncNobody];
  return { kind: 'frames', name: `install replacement and rejected frames (N_CTX ${nic.nCtx})`, frames, nic, facts };
}

/**
 * Control frames the engine must reject: short install, reserved flag bits, unknown opcode, short
 * resync, delete beyond the table, and HASH_KEY frames that are short, have reserved bytes set,
 * carry the all-zero key or address an id beyond the table; after them a good install, a good
 * HASH_KEY refused because a context is installed, and a resync response the context takes.
 */
export function controlErrors(nic: NicRxConfig): RxDirectedFrames<{ rejected: number }> {
  const p = createPrng(34);
  const t: FlowTuple = { ipVersion: 6, srcAddr: new Uint8Array(16).fill(0xfd), dstAddr: new Uint8Array(16).fill(1), srcPort: 443, dstPort: 40000 };
  const install = rxInstallFrame({ ctxId: 2, tuple: t, version: '1.2', key: p.bytes(32), iv: p.bytes(4), recordSeq: 7n, startTcpSn: 0xfffffff0, scan: false });
  const badFlags = install.data.slice();
  badFlags[1] |= 0x10;
  const resync = rxResyncFrame({ ctxId: 2, tcpSn: 5, recordSeq: 1n, hostDriven: true });
  const key = rxHashKeyFrame(hashKeyFromSeed(34));
  const keyReserved = key.data.slice();
  keyReserved[2] = 1;
  const rejected: RxFrame[] = [
    { user: install.user, data: install.data.subarray(0, 95) },
    { user: install.user, data: badFlags },
    { user: { kind: RxInKind.CONTROL, ctxId: 1 }, data: Uint8Array.of(7) },
    { user: resync.user, data: resync.data.subarray(0, resync.data.length - 1) },
    rxDeleteFrame(nic.nCtx),
    { user: key.user, data: key.data.subarray(0, key.data.length - 1) },
    { user: key.user, data: keyReserved },
    { user: key.user, data: Uint8Array.of(4, 0, 0, 0, ...new Uint8Array(16)) }, // the all-zero key
    rxHashKeyFrame(hashKeyFromSeed(35), nic.nCtx),
  ];
  // The well-formed install still works after them, a new key is refused while it is installed,
  // and the context takes a resync response.
  const frames = [key, ...rejected, install, rxHashKeyFrame(hashKeyFromSeed(35)), resync];
  return { kind: 'frames', name: `malformed control frames (N_CTX ${nic.nCtx})`, frames, nic, facts: { rejected: rejected.length } };
}

// ---------------------------------------------------------------------------------------------
// The catalogue

/** Every directed case, sized for `t` (the flow table and frame limit of the engine build it runs on). */
export function rxDirectedCases(t: RxDirectedTarget): RxDirectedCase[] {
  const nic: NicRxConfig = { nCtx: t.nCtx, buckets: t.buckets, maxFrameBytes: t.maxFrameBytes };
  const list: RxDirectedCase[] = [];
  for (const v of ['1.2', '1.3'] as const) {
    list.push(reorderNonHeader(v), lostHeader(v), falseLock(v));
    for (const k of [1, 2, 3, 4]) list.push(confirmHalfHeader(v, k));
    list.push(lossWhileLocked(v), hostResync(v));
  }
  list.push(lateHints(), duplicates(), corruptedTag(), badChecksums(), impossibleLength(), oversizeFrames(t.maxFrameBytes),
    fullBucket(t.buckets), deleteMidStream(), installReplace(nic), controlErrors(nic));
  return list;
}

/** The closed-loop options for a case: `base` engine config with the case's overrides. */
export function directedRunOptions(o: RxDirectedRun, base: NicRxConfig): RxRunOptions {
  return { nic: { ...base, ...o.nic }, latency: o.latency, minLatency: o.minLatency };
}

/**
 * A case's engine input for a build with `nic` (its nCtx context ids): the closed-loop run's
 * consumed frames with dense ids (and the closed loop's counters, which a replay must
 * reproduce), or the case's fixed frame sequence.
 */
export function rxDirectedFrames(c: RxDirectedCase, nic: NicRxConfig): { frames: RxFrame[]; loopCounters: RxCounters | null } {
  if (c.kind === 'frames') return { frames: c.frames, loopCounters: null };
  const run = runRxScenario(c.scenario, directedRunOptions(c.run, { ...nic, nCtx: 65536 }));
  return { frames: compactCtxIds(run.inputs, nic.nCtx), loopCounters: run.nic.counters };
}
