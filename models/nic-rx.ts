// Golden model of the NIC's RX offload engine (tls-offload.rst "Normal operation / RX", "Resync
// handling / RX", "Stream scan resynchronization", "Stack-driven resynchronization", "Error
// handling / RX", "Statistics"). It consumes the engine's input stream frame by frame
// (models/rx-frames.ts) and returns, per frame, the output frames: for a packet, the resync
// request it raised (if any) followed by the packet itself, marked or not; for a control frame,
// an install result or nothing. The RTL must produce the same output frames in the same order
// and the same counters. docs/rx-engine-model.md is the prose specification of this file.
//
// Flow table: flow table v2 (models/flow-table.ts, an FtDevice: keyed Toeplitz hash, NB buckets ×
// 4 ways in two halves, displacement, a 4-entry stash), hash key FT_DEFAULT_HASH_KEY from reset
// until a HASH_KEY control frame sets another (only while no context is installed).
//
// Per packet frame, in this order (the first that applies decides):
//   longer than maxFrameBytes             → untouched, rx_oversize_packets, no state change
//   does not parse as a supported TCP packet → untouched, rx_not_tcp_packets
//   4-tuple not in the flow table         → untouched, rx_plain_packets
//   IPv4 header or TCP checksum wrong     → untouched, rx_tls_csum_err, no state change at all
//   no TCP payload                        → untouched, nothing counted
//   payload entirely at or before expSeq   → untouched, rx_tls_old_packets (a retransmission)
//   starting more than RX_MAX_ADVANCE
//   bytes past expSeq                     → untouched, rx_tls_far_packets, no state change
//   otherwise the context's sequence state machine (below) walks the payload bytes.
// Every sequence compare is between the packet and expSeq / recEnd / scanFrom / lockSeq, all of
// which move with the stream, so all are right across any number of 2^32 wraps.
// A packet is marked decrypted iff every payload byte was decrypted by the record tracker in
// sync mode (the packet starts exactly at the expected sequence number or after a gap that ends
// on a record boundary, and no byte falls in an untracked region), every record ending in it
// authenticated, and no record header in it was impossible. Marked: record bodies decrypted in
// place; headers, explicit nonces, tags, Ethernet/IP/TCP headers (the TCP checksum field
// included) exactly as received. Unmarked: the frame exactly as received.
//
// Context modes (one per installed context):
//   sync  the tracker follows the current record from its first byte: bytes are decrypted
//   skip  the current record (or the stretch before a host-given record start) cannot be
//         decrypted; it ends at recEnd, where a fresh record (number nextRecSeq) starts → sync
//   wait  sync lost at lostAt; bytes are ignored until the stream reaches scanFrom =
//         lostAt + MAX_RECORD_LEN → scan (never, for a context installed with scan off)
//   scan  every new byte is checked as the last byte of a 5-byte record header pattern
//   lock  following a candidate header at lockSeq: the next header is predicted at recEnd and
//         checked when its 5th byte arrives; lockCount headers followed since; a resync request
//         for lockSeq is raised at the end of the packet that found the candidate
import { tcpChecksumValid } from './checksum.ts';
import { FtDevice, FtStatus, FT_DEFAULT_HASH_KEY, FT_MAX_BUCKETS, FT_WAYS } from './flow-table.ts';
import { isParseError, parseTcpPacket, type FlowTuple, type ParsedTcpPacket } from './packet.ts';
import { MAX_RECORD_BODY, newTracker, trackRecords, type RecordTracker } from './record-tracker.ts';
import {
  decodeRxControl,
  RxInKind,
  rxEventFrame,
  RxOpcode,
  rxOutPacket,
  type RxContextInstall,
  type RxEvent,
  type RxFrame,
  type RxOutFrame,
  type RxResyncResponse,
} from './rx-frames.ts';
import { seqAdd, seqDiff, seqLeq, seqLt } from './tcp-seq.ts';
import { recordOverhead, TLS_HEADER_LEN, type TlsCryptoInfo, type TlsVersion } from './tls-record.ts';

/**
 * Longest TLS record on the wire, header included: 5 + 2^14 + 256 = 16,645 bytes. TLS 1.3 allows
 * 2^14 + 256 bytes after the header; TLS 1.2 AES-GCM records carry at most 2^14 + 24. The record
 * containing the first lost byte therefore ends before lostAt + MAX_RECORD_LEN, so every header
 * the scan can find lies after the record whose header was lost.
 */
export const MAX_RECORD_LEN = TLS_HEADER_LEN + MAX_RECORD_BODY;

/**
 * The farthest one packet (or a host-driven resync hint) may move a context's expected sequence:
 * 64 MiB. A packet starting further ahead passes untouched and changes nothing
 * (rx_tls_far_packets), so a single forged segment with a valid checksum can stall offload for at
 * most this many stream bytes (the stream catches up with its end), never for 2 GiB. A TCP
 * receiver accepts nothing beyond its receive window, and 64 MiB is above Linux's default
 * tcp_rmem maximum (6 MiB) and the bandwidth-delay product of 100 Gb/s at 5 ms.
 */
export const RX_MAX_ADVANCE = 0x0400_0000;

export const RX_COUNTER_NAMES = [
  // the kernel's tls-offload.rst names
  'rx_tls_decrypted_packets',
  'rx_tls_decrypted_bytes',
  'rx_tls_ctx',
  'rx_tls_del',
  'rx_tls_resync_req_pkt',
  'rx_tls_resync_req_start',
  'rx_tls_resync_req_end',
  'rx_tls_resync_req_skip',
  'rx_tls_resync_res_ok',
  'rx_tls_resync_res_skip',
  'rx_tls_err',
  // this engine's own
  'rx_tls_pass_packets',
  'rx_tls_old_packets',
  'rx_tls_gap_packets',
  'rx_tls_sync_lost',
  'rx_tls_csum_err',
  'rx_tls_install_fail',
  'rx_tls_ctx_evict',
  'rx_ctrl_err',
  'rx_frame_err',
  'rx_oversize_packets',
  'rx_not_tcp_packets',
  'rx_plain_packets',
  'rx_tls_far_packets',
] as const;
export type RxCounterName = (typeof RX_COUNTER_NAMES)[number];
export type RxCounters = Record<RxCounterName, number>;

export type RxMode = 'sync' | 'skip' | 'wait' | 'scan' | 'lock';

/** One installed RX connection. Fields not used by the current mode keep stale values. */
export interface RxFlowContext {
  tuple: FlowTuple;
  crypto: TlsCryptoInfo;
  /** Stream scan enabled (install flag NO_SCAN clear). */
  scan: boolean;
  mode: RxMode;
  /** TCP sequence number of the next new stream byte (end of the newest data seen, never moves back). */
  expSeq: number;
  /** sync: the record under the cursor, tracked from its first byte. */
  tracker: RecordTracker;
  /** skip: where the undecryptable stretch ends and record nextRecSeq starts; lock: predicted next header. */
  recEnd: number;
  /** skip: record number of the record starting at recEnd. */
  nextRecSeq: bigint;
  /** wait: first TCP sequence number the scan looks at. */
  scanFrom: number;
  /** scan, lock: the last (up to 4) new stream bytes, oldest first; emptied by a gap. */
  hist: number[];
  /** lock: TCP sequence number of the candidate header (first byte). */
  lockSeq: number;
  /** lock: headers followed after the candidate (32 bits in the RTL). */
  lockCount: number;
  /** lock: the resync request for lockSeq has been emitted and is outstanding. */
  requested: boolean;
}

export interface NicRxConfig {
  /** Context ids 0..nCtx-1 exist (≤ 65,536). */
  nCtx: number;
  /**
   * Flow-table buckets NB (a power of two, 4..16,384; the RTL parameter BUCKETS): 4·NB main slots
   * (4 ways per bucket) plus a 4-entry stash.
   */
  buckets: number;
  /** Longest packet frame processed; longer ones pass untouched (default 9600). */
  maxFrameBytes?: number;
}

export const DEFAULT_RX_MAX_FRAME_BYTES = 9600;

/** Fewest flow-table buckets (the RTL's BUCKETS ≥ 4). */
export const RX_MIN_BUCKETS = 4;

export interface NicRxState {
  config: NicRxConfig;
  /** The flow table (replaced by an empty one with the new key on a HASH_KEY frame). */
  flowTable: FtDevice;
  contexts: Map<number, RxFlowContext>;
  counters: RxCounters;
}

export type RxVerdict =
  | 'decrypted'
  | 'pass'
  | 'old'
  | 'far'
  | 'no_payload'
  | 'csum_err'
  | 'plain'
  | 'not_tcp'
  | 'oversize'
  | 'installed'
  | 'install_fail'
  | 'deleted'
  | 'resync_ok'
  | 'resync_skip'
  | 'hash_key'
  | 'control_error'
  | 'frame_error';

export interface RxStepResult {
  verdict: RxVerdict;
  /** Output frames in order: events, then (for a packet frame) the packet. */
  out: RxOutFrame[];
  /** Packets of an installed flow and context-addressed control frames: the context id. */
  ctxId?: number;
}

export function zeroRxCounters(): RxCounters {
  return Object.fromEntries(RX_COUNTER_NAMES.map((n) => [n, 0])) as RxCounters;
}

export function createNicRx(config: NicRxConfig): NicRxState {
  if (!Number.isInteger(config.nCtx) || config.nCtx < 1 || config.nCtx > 65536) throw new Error(`nic-rx: nCtx ${config.nCtx} not in 1..65536`);
  const nb = config.buckets;
  if (!Number.isInteger(nb) || nb < RX_MIN_BUCKETS || nb > FT_MAX_BUCKETS || (nb & (nb - 1)) !== 0) {
    throw new Error(`nic-rx: buckets ${nb} is not a power of two in ${RX_MIN_BUCKETS}..${FT_MAX_BUCKETS}`);
  }
  return { config, flowTable: newFlowTable(config, FT_DEFAULT_HASH_KEY), contexts: new Map(), counters: zeroRxCounters() };
}

/** An empty flow table of the config's size: 4·NB main slots, the default stash, path and read limits. */
function newFlowTable(config: NicRxConfig, hashKey: Uint8Array): FtDevice {
  return new FtDevice({ nCtx: config.buckets * FT_WAYS }, hashKey);
}

/** The header pattern the scan and the lock look for: content type, 0x03 0x03, a plausible length. */
export function headerPlausible(version: TlsVersion, h: ArrayLike<number>): boolean {
  const type = h[0];
  const typeOk = version === '1.3' ? type === 23 : type >= 20 && type <= 23;
  const len = (h[3] << 8) | h[4];
  return typeOk && h[1] === 0x03 && h[2] === 0x03 && len >= recordOverhead(version) - TLS_HEADER_LEN && len <= MAX_RECORD_BODY;
}

/** Processes one input frame. */
export function nicRxStep(st: NicRxState, f: RxFrame): RxStepResult {
  switch (f.user.kind) {
    case RxInKind.PACKET:
      return packet(st, f.data);
    case RxInKind.CONTROL:
      return controlFrame(st, f);
  }
  st.counters.rx_frame_err++;
  return { verdict: 'frame_error', out: [] };
}

// ---------------------------------------------------------------------------------------------
// Packets

function untouched(verdict: RxVerdict, frame: Uint8Array, ctxId?: number): RxStepResult {
  return { verdict, out: [rxOutPacket(frame, false)], ctxId };
}

function packet(st: NicRxState, frame: Uint8Array): RxStepResult {
  const c = st.counters;
  if (frame.length > (st.config.maxFrameBytes ?? DEFAULT_RX_MAX_FRAME_BYTES)) {
    c.rx_oversize_packets++;
    return untouched('oversize', frame);
  }
  const p = parseTcpPacket(frame);
  if (isParseError(p)) {
    c.rx_not_tcp_packets++;
    return untouched('not_tcp', frame);
  }
  const look = st.flowTable.lookup(p.tuple);
  const hit = look.hit ? { ctxId: look.ctx } : null;
  const ctx = hit ? st.contexts.get(hit.ctxId) : undefined;
  if (!hit || !ctx) {
    c.rx_plain_packets++;
    return untouched('plain', frame);
  }
  const l4End = p.payloadOffset + p.payloadLength;
  if (!p.ipHeaderChecksumOk || !tcpChecksumValid(p.ip.version, p.ip.src, p.ip.dst, frame.subarray(p.l4Offset, l4End))) {
    c.rx_tls_csum_err++;
    return untouched('csum_err', frame, hit.ctxId);
  }
  if (p.payloadLength === 0) return untouched('no_payload', frame, hit.ctxId);
  return tlsPacket(st, hit.ctxId, ctx, frame, p);
}

/** What the walk over one packet's new bytes found. */
interface PacketRun {
  /** Every byte so far was decrypted in sync mode. */
  allDecrypted: boolean;
  badTags: number;
  headerError: boolean;
}

function tlsPacket(st: NicRxState, ctxId: number, ctx: RxFlowContext, frame: Uint8Array, p: ParsedTcpPacket): RxStepResult {
  const c = st.counters;
  const len = p.payloadLength;
  const end = seqAdd(p.seq, len);
  if (seqLeq(end, ctx.expSeq)) {
    // A retransmission or duplicate of bytes already seen: nothing new, no state change.
    c.rx_tls_old_packets++;
    c.rx_tls_pass_packets++;
    return untouched('old', frame, ctxId);
  }
  if (seqDiff(p.seq, ctx.expSeq) > RX_MAX_ADVANCE) {
    // Beyond any receive window: not trusted to move the context (see RX_MAX_ADVANCE).
    c.rx_tls_far_packets++;
    c.rx_tls_pass_packets++;
    return untouched('far', frame, ctxId);
  }
  // Overlap: bytes before expSeq were seen already; only the new ones are walked.
  const skip = seqLt(p.seq, ctx.expSeq) ? seqDiff(ctx.expSeq, p.seq) : 0;
  if (skip === 0 && p.seq !== ctx.expSeq) {
    c.rx_tls_gap_packets++;
    gap(st, ctx, p.seq);
  }
  const run: PacketRun = { allDecrypted: skip === 0, badTags: 0, headerError: false };
  const out = frame.slice();
  const start = p.payloadOffset + skip;
  walk(st, ctx, out.subarray(start, p.payloadOffset + len), frame.subarray(start, p.payloadOffset + len), seqAdd(p.seq, skip), run);
  ctx.expSeq = end;
  const events: RxOutFrame[] = [];
  if (ctx.mode === 'lock' && !ctx.requested) {
    ctx.requested = true;
    c.rx_tls_resync_req_pkt++;
    events.push(rxEventFrame({ code: 'resync_request', ctxId, tcpSn: ctx.lockSeq }));
  }
  if (run.badTags > 0 || run.headerError) c.rx_tls_err++;
  const marked = run.allDecrypted && run.badTags === 0 && !run.headerError;
  if (marked) {
    c.rx_tls_decrypted_packets++;
    c.rx_tls_decrypted_bytes += len;
    events.push(rxOutPacket(out, true));
    return { verdict: 'decrypted', out: events, ctxId };
  }
  c.rx_tls_pass_packets++;
  events.push(rxOutPacket(frame, false));
  return { verdict: 'pass', out: events, ctxId };
}

/** Drops the current lock (its request, if any, will never be honoured). */
function dropLock(st: NicRxState, ctx: RxFlowContext): void {
  st.counters.rx_tls_resync_req_skip++;
  ctx.requested = false;
}

/** Sync lost: the first byte the device could not follow is at `at`. */
function lose(st: NicRxState, ctx: RxFlowContext, at: number): void {
  if (ctx.mode === 'lock') dropLock(st, ctx);
  st.counters.rx_tls_sync_lost++;
  ctx.mode = 'wait';
  ctx.scanFrom = seqAdd(at, MAX_RECORD_LEN);
  ctx.hist = [];
}

/** A packet starts at P beyond expSeq: the bytes [expSeq, P) were not seen (lost or reordered). */
function gap(st: NicRxState, ctx: RxFlowContext, P: number): void {
  switch (ctx.mode) {
    case 'sync': {
      const rec = ctx.tracker.record;
      if (rec.recordLen >= 0) {
        // The current record's length is known: survivable if the gap ends by the record's end.
        const recEnd = seqAdd(seqAdd(ctx.expSeq, -rec.offset), rec.recordLen);
        if (seqLeq(P, recEnd)) {
          ctx.mode = 'skip';
          ctx.recEnd = recEnd;
          ctx.nextRecSeq = BigInt.asUintN(64, rec.recordSeq + 1n);
          return;
        }
      }
      lose(st, ctx, ctx.expSeq);
      return;
    }
    case 'skip':
      if (!seqLeq(P, ctx.recEnd)) lose(st, ctx, ctx.expSeq);
      return;
    case 'lock':
      if (seqLeq(P, ctx.recEnd)) ctx.hist = [];
      else lose(st, ctx, ctx.expSeq);
      return;
    case 'scan':
      ctx.hist = [];
      return;
    case 'wait':
      return;
  }
}

function pushHist(ctx: RxFlowContext, b: number): void {
  ctx.hist.push(b);
  if (ctx.hist.length > 4) ctx.hist.shift();
}

/**
 * Walks the packet's new bytes `inp` (TCP sequence number of the first: pos0) through the
 * context's modes, writing decrypted bytes into `out` (same length) in sync mode.
 */
function walk(st: NicRxState, ctx: RxFlowContext, out: Uint8Array, inp: Uint8Array, pos0: number, run: PacketRun): void {
  const n = inp.length;
  let i = 0;
  let pos = pos0;
  const advance = (k: number): void => {
    i += k;
    pos = seqAdd(pos, k);
  };
  while (i < n) {
    switch (ctx.mode) {
      case 'sync': {
        // One tracker call per header (up to its 5th byte, where the length is checked) and per
        // rest of record, so a bad header's position is known.
        const rec = ctx.tracker.record;
        const want = rec.recordLen < 0 ? TLS_HEADER_LEN - rec.offset : rec.recordLen - rec.offset;
        const k = Math.min(want, n - i);
        const r = trackRecords(ctx.crypto, ctx.tracker, inp.subarray(i, i + k), 'decrypt');
        if (ctx.tracker.error !== null) {
          run.headerError = true;
          run.allDecrypted = false;
          lose(st, ctx, seqAdd(pos, -rec.offset));
          break;
        }
        out.set(r.out, i);
        run.badTags += r.badTags;
        advance(k);
        break;
      }
      case 'skip': {
        const d = seqDiff(ctx.recEnd, pos);
        if (d <= 0) {
          ctx.mode = 'sync';
          ctx.tracker = newTracker(ctx.crypto, ctx.nextRecSeq, 'decrypt');
          break;
        }
        run.allDecrypted = false;
        advance(Math.min(d, n - i));
        break;
      }
      case 'wait': {
        run.allDecrypted = false;
        if (!ctx.scan) {
          advance(n - i);
          break;
        }
        const d = seqDiff(ctx.scanFrom, pos);
        if (d <= 0) {
          ctx.mode = 'scan';
          ctx.hist = [];
          break;
        }
        advance(Math.min(d, n - i));
        break;
      }
      case 'scan': {
        run.allDecrypted = false;
        const version = ctx.crypto.version;
        while (i < n && ctx.mode === 'scan') {
          const b = inp[i];
          const h = ctx.hist;
          if (h.length === 4 && headerPlausible(version, [h[0], h[1], h[2], h[3], b])) {
            const lockSeq = seqAdd(pos, -4);
            ctx.mode = 'lock';
            ctx.lockSeq = lockSeq;
            ctx.recEnd = seqAdd(lockSeq, TLS_HEADER_LEN + ((h[3] << 8) | b));
            ctx.lockCount = 0;
            ctx.requested = false;
            st.counters.rx_tls_resync_req_start++;
          }
          pushHist(ctx, b);
          advance(1);
        }
        break;
      }
      case 'lock': {
        run.allDecrypted = false;
        // Bytes before the predicted header's 5th byte only feed the history.
        const d = seqDiff(seqAdd(ctx.recEnd, 4), pos);
        if (d > 0) {
          const k = Math.min(d, n - i);
          for (let j = Math.max(i, i + k - 4); j < i + k; j++) pushHist(ctx, inp[j]);
          advance(k);
          break;
        }
        const b = inp[i];
        const h = ctx.hist;
        if (h.length === 4 && headerPlausible(ctx.crypto.version, [h[0], h[1], h[2], h[3], b])) {
          ctx.lockCount++;
          ctx.recEnd = seqAdd(ctx.recEnd, TLS_HEADER_LEN + ((h[3] << 8) | b));
        } else {
          // False lock: the predicted header is not there. Scan on from the next byte.
          dropLock(st, ctx);
          ctx.mode = 'scan';
        }
        pushHist(ctx, b);
        advance(1);
        break;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Control frames

function controlFrame(st: NicRxState, f: RxFrame): RxStepResult {
  const c = st.counters;
  const ctxId = f.user.ctxId;
  const d = decodeRxControl(f);
  if (d.op === 'error' || ctxId >= st.config.nCtx) {
    c.rx_ctrl_err++;
    // A rejected install still answers, so the driver falls back to software.
    const out = f.data[0] === RxOpcode.INSTALL ? [rxEventFrame({ code: 'install_result', ctxId: ctxId & 0xffff, status: 'bad_frame' })] : [];
    return { verdict: 'control_error', out, ctxId };
  }
  switch (d.op) {
    case 'install':
      return install(st, d.install);
    case 'delete': {
      if (!st.contexts.has(ctxId)) {
        c.rx_ctrl_err++;
        return { verdict: 'control_error', out: [], ctxId };
      }
      removeContext(st, ctxId);
      c.rx_tls_del++;
      return { verdict: 'deleted', out: [], ctxId };
    }
    case 'resync':
      return resync(st, d.resync);
    case 'hash_key': {
      // Only into an empty table: a new key moves every entry, so no context may be installed.
      if (st.contexts.size > 0) {
        c.rx_ctrl_err++;
        return { verdict: 'control_error', out: [], ctxId };
      }
      st.flowTable = newFlowTable(st.config, d.key);
      return { verdict: 'hash_key', out: [], ctxId };
    }
  }
}

/** Zeroizes a context and drops it (the key leaves the device); its flow-table entry is not touched. */
function dropContext(st: NicRxState, ctxId: number): void {
  const ctx = st.contexts.get(ctxId);
  if (!ctx) return;
  if (ctx.mode === 'lock') dropLock(st, ctx);
  ctx.crypto.key.fill(0);
  ctx.crypto.iv.fill(0);
  st.contexts.delete(ctxId);
}

/** Deletes a context's flow-table entry (the stash drains into the freed slot) and drops the context. */
function removeContext(st: NicRxState, ctxId: number): void {
  st.flowTable.delete(ctxId);
  dropContext(st, ctxId);
}

function install(st: NicRxState, i: RxContextInstall): RxStepResult {
  const c = st.counters;
  const event = (status: 'ok' | 'bucket_full'): RxOutFrame[] => [rxEventFrame({ code: 'install_result', ctxId: i.ctxId, status } satisfies RxEvent)];
  // 1. The id is being reused: the old connection goes first (its flow-table entry is deleted by
  //    the table's install below, which always deletes the id's own entry first).
  if (st.contexts.has(i.ctxId)) {
    dropContext(st, i.ctxId);
    c.rx_tls_ctx_evict++;
  }
  // 2. The table's install (FtDevice: the id's own entry deleted first, then the tuple placed).
  const r = st.flowTable.install(i.ctxId, i.tuple);
  if (r.status === FtStatus.present) {
    // The tuple was installed under another id: its entry now points to the new id, and that
    // context is replaced.
    dropContext(st, r.ctx);
    c.rx_tls_ctx_evict++;
  } else if (r.status === FtStatus.full) {
    // No place for the tuple (both buckets full, no displacement path, the stash full).
    c.rx_tls_install_fail++;
    return { verdict: 'install_fail', out: event('bucket_full'), ctxId: i.ctxId };
  }
  // 3. The new context.
  const crypto: TlsCryptoInfo = { version: i.version, key: Uint8Array.from(i.key), iv: Uint8Array.from(i.iv) };
  st.contexts.set(i.ctxId, {
    tuple: i.tuple,
    crypto,
    scan: i.scan,
    mode: 'sync',
    expSeq: i.startTcpSn,
    tracker: newTracker(crypto, i.recordSeq, 'decrypt'),
    recEnd: 0,
    nextRecSeq: 0n,
    scanFrom: 0,
    hist: [],
    lockSeq: 0,
    lockCount: 0,
    requested: false,
  });
  c.rx_tls_ctx++;
  return { verdict: 'installed', out: event('ok'), ctxId: i.ctxId };
}

function resync(st: NicRxState, r: RxResyncResponse): RxStepResult {
  const c = st.counters;
  const ctx = st.contexts.get(r.ctxId);
  const skipped = (): RxStepResult => {
    c.rx_tls_resync_res_skip++;
    return { verdict: 'resync_skip', out: [], ctxId: r.ctxId };
  };
  if (!ctx) return skipped();
  if (!r.hostDriven) {
    // Confirmation: only for the outstanding request. The record ending at recEnd has number
    // N + lockCount; the next one starts at recEnd.
    if (ctx.mode !== 'lock' || !ctx.requested || r.tcpSn !== ctx.lockSeq) return skipped();
    const next = BigInt.asUintN(64, r.recordSeq + BigInt(ctx.lockCount) + 1n);
    const k = seqDiff(ctx.expSeq, ctx.recEnd);
    ctx.requested = false;
    c.rx_tls_resync_req_end++;
    if (k <= 0) {
      ctx.mode = 'skip';
      ctx.nextRecSeq = next;
    } else {
      // 1..4 bytes of the next header were seen (they are the newest history bytes): the
      // record starts with them.
      ctx.mode = 'sync';
      ctx.tracker = newTracker(ctx.crypto, next, 'decrypt');
      trackRecords(ctx.crypto, ctx.tracker, Uint8Array.from(ctx.hist.slice(ctx.hist.length - k)), 'decrypt');
    }
  } else {
    // Host-driven: usable only if S is not behind the stream position, nor further ahead of it
    // than one packet may move it (RX_MAX_ADVANCE).
    if (seqLt(r.tcpSn, ctx.expSeq) || seqDiff(r.tcpSn, ctx.expSeq) > RX_MAX_ADVANCE) return skipped();
    if (ctx.mode === 'lock') dropLock(st, ctx);
    ctx.mode = 'skip';
    ctx.recEnd = r.tcpSn;
    ctx.nextRecSeq = r.recordSeq;
  }
  c.rx_tls_resync_res_ok++;
  return { verdict: 'resync_ok', out: [], ctxId: r.ctxId };
}
