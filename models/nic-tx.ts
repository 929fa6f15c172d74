// Golden model of the NIC's TX offload engine (tls-offload.rst "Normal operation / TX",
// "Resync handling / TX", "Error handling / TX", "Statistics"). It consumes the engine's input
// stream frame by frame (models/tx-frames.ts) and returns, per frame, the packet it sends or
// nothing. The RTL must produce the same packets, in the same order, and the same counters.
//
// Per packet with the offload bit set (effective start = max(seq, start_offload_tcp_sn) while the
// context has not started, else seq):
//   context id not installed / ≥ N_CTX    → drop, tx_tls_drop_no_ctx
//   headers unparsable                    → drop, tx_tls_drop_malformed
//   no TCP payload (pure ACK, SYN, FIN)   → send untouched, no state change
//   not started, payload entirely before
//   start_sn                              → send untouched, tx_tls_skip_no_sync_data, tx_tls_ooo
//   effective start = expected, in sync   → encrypt, write tags, fix the TCP checksum, send;
//                                           bytes before start_sn (a straddling packet, only
//                                           before the context started) untouched
//   otherwise                             → drop, tx_tls_ooo and tx_tls_drop_bypass_req when the
//                                           packet straddles start_sn, else tx_tls_drop_no_sync_data
//   an impossible record header inside    → drop, tx_tls_drop_bad_record; the context is out of
//                                           sync until the next resync load
// "Started": a context starts when its expected sequence first moves past start_offload_tcp_sn
// (its first encrypted packet, or an accepted resync load), and never un-starts. Only before
// that is a packet compared with start_offload_tcp_sn: the compare is modular (a 2^31 window), and
// against a start that never moves it would turn true again 2 GiB later and send a record's
// plaintext untouched. Before the start the expected sequence IS start_sn, so the window is that
// of every other TCP compare. After it, data before the start can only reach the engine marked
// by the driver (offload bit clear; models/driver-tx.ts), and anything else out of sequence drops.
// A resync context load rewrites the context's tracker to "record R, P bytes in" and its expected
// sequence to R.start + P, so the packet after it takes the fast path (the document's recommended
// "continue from this packet's end"); R.start may lie any distance past the start (the driver
// only loads records, which all follow it). A load with the START flag (empty prefix, R.start =
// start_offload_tcp_sn) returns the context to "not started" at the start: the driver sends it
// only while its start marker lives, for a retransmitted segment that straddles the start. A load that contradicts itself leaves the context as
// it was and counts tx_tls_resync_bad. Packets without the offload bit pass untouched, in order.
//
// Retransmission without prefix replay (issue 17; SEEK descriptors, models/tx-frames.ts): a SEEK
// descriptor becomes the context's side context and leaves everything else as it was (tracker,
// expected sequence, started, in sync). The context's next offloaded packet with payload must start
// at the descriptor's record start + offset; it is protected on the side: its part of that record
// by CTR seek (models/ctr-seek.ts: keystream from the record's nonce and the offset, header and
// nonce bytes checked against the descriptor, tag bytes from the descriptor's known tag), the
// records after it in the packet from their starts by a fresh tracker. The side context is used
// once. Anything that contradicts (a packet elsewhere, a header byte that differs, tag bytes with
// no known tag, an impossible record inside) drops the packet and counts tx_tls_rexmit_bad; the
// in-order context is never touched, so the next new segment takes the fast path.
// A side packet that is sent and ends inside the sought record leaves the side context behind it,
// "soft" (the descriptor with its offset moved past the packet): the context's next offloaded
// packet with payload that starts exactly there (and not at the in-order expected sequence) is
// taken on it like a descriptor's packet, so a retransmitted run of consecutive segments needs
// one descriptor per record, not one per segment. Any other packet with payload drops the soft
// context silently and is decided on the in-order state; so does an oversize or malformed one.
// Completion stream: every record the in-order path finishes (its last tag byte written) is
// reported with its tag (TxStepResult.completions), for the driver's record list.
// Packet frames longer than maxFrameBytes and frames of the reserved kind: dropped, tx_frame_err.
import { parseTcpPacket, isParseError, withFixedTcpChecksum } from './packet.ts';
import { seqAdd, seqDiff, seqLeq, seqLt } from './tcp-seq.ts';
import { recordOverhead, type TlsCryptoInfo, TLS_HEADER_LEN, TLS_TAG_LEN } from './tls-record.ts';
import { MAX_RECORD_BODY, newTracker, trackerRecordSeq, trackRecords, type RecordTracker } from './record-tracker.ts';
import { decodeControl, decodeResync, FrameKind, ResyncFlag, type SeekLoad, type TxFrame } from './tx-frames.ts';
import { seekProtect, seekRecordLength } from './ctr-seek.ts';

export const TX_COUNTER_NAMES = [
  // the kernel's tls-offload.rst names
  'tx_tls_encrypted_packets',
  'tx_tls_encrypted_bytes',
  'tx_tls_ctx',
  'tx_tls_del',
  'tx_tls_ooo',
  'tx_tls_resync_bytes',
  'tx_tls_skip_no_sync_data',
  'tx_tls_drop_no_sync_data',
  'tx_tls_drop_bypass_req',
  // this engine's own reasons
  'tx_tls_drop_no_ctx',
  'tx_tls_drop_malformed',
  'tx_tls_drop_bad_record',
  'tx_tls_resync_bad',
  'tx_tls_ctrl_err',
  'tx_frame_err',
  'tx_plain_packets',
  // the retransmission paths (issue 17), TX_REXMIT_COUNTER_NAMES
  'tx_tls_rexmit_seek',
  'tx_tls_rexmit_tag',
  'tx_tls_rexmit_bad',
] as const;
export type TxCounterName = (typeof TX_COUNTER_NAMES)[number];
export type TxCounters = Record<TxCounterName, number>;

/**
 * Counters of the retransmission paths (issue 17), the last three of TX_COUNTER_NAMES (the RTL's
 * counter bank, tlsnic_tx_pkg CntRexmit*, in that order):
 *   tx_tls_rexmit_seek    retransmitted packets sent by CTR seek (no prefix)
 *   tx_tls_rexmit_tag     of those, packets whose tag bytes came from a known tag
 *   tx_tls_rexmit_bad     SEEK descriptors refused, or their packet dropped as contradicting them
 * Prefix replays are resync loads (tx_tls_resync_bytes counts their bytes).
 */
export const TX_REXMIT_COUNTER_NAMES = ['tx_tls_rexmit_seek', 'tx_tls_rexmit_tag', 'tx_tls_rexmit_bad'] as const;

/** A record the engine finished: its tag, for the driver's record list (completion stream). */
export interface TxCompletion {
  ctxId: number;
  recordSeq: bigint;
  tag: Uint8Array;
}

/** One connection's entry in the TX flow table. */
export interface TxFlowContext {
  crypto: TlsCryptoInfo;
  startOffloadTcpSn: number;
  /** TCP sequence number the next in-order packet must start at. */
  expectedSeq: number;
  /** false after an impossible record header: every packet drops until a resync load. */
  inSync: boolean;
  /** The expected sequence has moved past startOffloadTcpSn (see the file header); never reset. */
  started: boolean;
  tracker: RecordTracker;
  /** A SEEK descriptor waiting for the context's next offloaded packet with payload. */
  side?: SeekLoad;
  /** The side context continues after a side packet (see the file header), not a descriptor. */
  sideSoft?: boolean;
}

export interface NicTxConfig {
  /** Flow-table size: context ids 0..nCtx-1 exist. */
  nCtx: number;
  /** Longest packet frame forwarded (the store-and-forward output buffer holds two); longer → tx_frame_err. */
  maxFrameBytes?: number;
}

export const DEFAULT_MAX_FRAME_BYTES = 9600;

export interface NicTxState {
  config: NicTxConfig;
  contexts: Map<number, TxFlowContext>;
  counters: TxCounters;
}

export type TxVerdict =
  | 'encrypted'
  | 'pass'
  | 'skip'
  | 'drop_no_ctx'
  | 'drop_malformed'
  | 'drop_no_sync'
  | 'drop_bypass'
  | 'drop_bad_record'
  | 'control'
  | 'control_error'
  | 'resync'
  | 'resync_bad'
  | 'frame_error';

export interface TxStepResult {
  verdict: TxVerdict;
  /** The packet the engine sends, or null (control/resync frames, drops). */
  out: Uint8Array | null;
  /** Records this frame finished, with their tags (completion stream). */
  completions?: TxCompletion[];
}

export function zeroTxCounters(): TxCounters {
  return Object.fromEntries(TX_COUNTER_NAMES.map((n) => [n, 0])) as TxCounters;
}


export function createNicTx(config: NicTxConfig): NicTxState {
  return { config, contexts: new Map(), counters: zeroTxCounters() };
}

/** Processes one input frame. */
export function nicTxStep(st: NicTxState, f: TxFrame): TxStepResult {
  switch (f.user.kind) {
    case FrameKind.PACKET:
      if (f.data.length > (st.config.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES)) {
        // A SEEK descriptor's packet that cannot be processed still uses it up.
        if (f.user.offload) dropSide(st, f.user.ctxId);
        break;
      }
      return f.user.offload ? offloadedPacket(st, f) : plainPacket(st, f);
    case FrameKind.CONTROL:
      return control(st, f);
    case FrameKind.RESYNC:
      return resync(st, f);
  }
  st.counters.tx_frame_err++;
  return { verdict: 'frame_error', out: null };
}

function plainPacket(st: NicTxState, f: TxFrame): TxStepResult {
  st.counters.tx_plain_packets++;
  return { verdict: 'pass', out: f.data };
}

function lookup(st: NicTxState, ctxId: number): TxFlowContext | undefined {
  return ctxId < st.config.nCtx ? st.contexts.get(ctxId) : undefined;
}

function offloadedPacket(st: NicTxState, f: TxFrame): TxStepResult {
  const c = st.counters;
  const ctx = lookup(st, f.user.ctxId);
  if (!ctx) {
    c.tx_tls_drop_no_ctx++;
    return { verdict: 'drop_no_ctx', out: null };
  }
  const p = parseTcpPacket(f.data);
  if (isParseError(p)) {
    dropSide(st, f.user.ctxId);
    c.tx_tls_drop_malformed++;
    return { verdict: 'drop_malformed', out: null };
  }
  const len = p.payloadLength;
  // A packet without payload (pure ACK) leaves a SEEK descriptor waiting for its packet.
  if (len === 0) return { verdict: 'pass', out: f.data };
  if (ctx.side && ctx.sideSoft && (p.seq !== seqAdd(ctx.side.recordStartTcpSn, ctx.side.offset) || p.seq === ctx.expectedSeq)) {
    // Not the continuation: the soft side context goes, the in-order state decides.
    ctx.side = undefined;
    ctx.sideSoft = false;
  }
  if (ctx.side) {
    const side = ctx.side;
    ctx.side = undefined;
    ctx.sideSoft = false;
    return sidePacket(st, ctx, side, f.data, p.seq, p.payloadOffset, len);
  }
  const end = seqAdd(p.seq, len);
  if (!ctx.started && seqLeq(end, ctx.startOffloadTcpSn)) {
    c.tx_tls_ooo++;
    c.tx_tls_skip_no_sync_data++;
    return { verdict: 'skip', out: f.data };
  }
  const skip = !ctx.started && seqLt(p.seq, ctx.startOffloadTcpSn) ? seqDiff(ctx.startOffloadTcpSn, p.seq) : 0;
  const start = seqAdd(p.seq, skip);
  if (!ctx.inSync || start !== ctx.expectedSeq) {
    c.tx_tls_ooo++;
    if (skip > 0) {
      c.tx_tls_drop_bypass_req++;
      return { verdict: 'drop_bypass', out: null };
    }
    c.tx_tls_drop_no_sync_data++;
    return { verdict: 'drop_no_sync', out: null };
  }
  const payloadStart = p.payloadOffset + skip;
  const r = trackRecords(ctx.crypto, ctx.tracker, f.data.subarray(payloadStart, p.payloadOffset + len), 'encrypt');
  if (ctx.tracker.error !== null) {
    ctx.inSync = false;
    c.tx_tls_drop_bad_record++;
    return { verdict: 'drop_bad_record', out: null };
  }
  ctx.expectedSeq = end;
  ctx.started = true;
  const frame = new Uint8Array(f.data);
  frame.set(r.out, payloadStart);
  c.tx_tls_encrypted_packets++;
  c.tx_tls_encrypted_bytes += len - skip;
  const completions = r.tags.map((t) => ({ ctxId: f.user.ctxId, ...t }));
  return { verdict: 'encrypted', out: withFixedTcpChecksum(frame), ...(completions.length > 0 ? { completions } : {}) };
}

/**
 * A SEEK descriptor whose packet cannot be processed (oversize, malformed) is used up with it:
 * counted as refused, so it never applies to a later packet. A soft side context just goes.
 */
function dropSide(st: NicTxState, ctxId: number): void {
  const ctx = lookup(st, ctxId);
  if (ctx?.side) {
    if (!ctx.sideSoft) st.counters.tx_tls_rexmit_bad++;
    ctx.side = undefined;
    ctx.sideSoft = false;
  }
}

/** A retransmitted packet on the side context of a SEEK descriptor (see the file header). */
function sidePacket(st: NicTxState, ctx: TxFlowContext, side: SeekLoad, data: Uint8Array, seq: number, payloadOffset: number, len: number): TxStepResult {
  const refuse = (): TxStepResult => {
    st.counters.tx_tls_drop_no_sync_data++;
    st.counters.tx_tls_rexmit_bad++;
    return { verdict: 'drop_no_sync', out: null };
  };
  if (seq !== seqAdd(side.recordStartTcpSn, side.offset)) return refuse();
  const payload = data.subarray(payloadOffset, payloadOffset + len);
  const recLen = seekRecordLength(side.header);
  const out = new Uint8Array(len);
  let done = 0;   // payload bytes protected by the seek
  let tagged = false;
  if (side.offset > 0) {
    const first = Math.min(len, recLen - side.offset);
    const r = seekProtect(ctx.crypto, side, side.offset, payload.subarray(0, first));
    if (!r.ok) return refuse();
    out.set(r.out);
    tagged = side.offset + first > recLen - TLS_TAG_LEN;
    done = first;
  } else {
    // From the record's start the packet is an ordinary run of records; its header (and TLS 1.2
    // explicit nonce) must be the descriptor's.
    for (let k = 0; k < Math.min(len, TLS_HEADER_LEN); k++) if (payload[k] !== side.header[k]) return refuse();
    if (ctx.crypto.version === '1.2') {
      for (let k = TLS_HEADER_LEN; k < Math.min(len, TLS_HEADER_LEN + 8); k++) if (payload[k] !== side.explicitNonce[k - TLS_HEADER_LEN]) return refuse();
    }
  }
  if (done < len) {
    // The records after the sought one start in the packet: protected from their starts.
    const t = newTracker(ctx.crypto, side.offset === 0 ? side.recordSeq : side.recordSeq + 1n, 'encrypt');
    const r = trackRecords(ctx.crypto, t, payload.subarray(done), 'encrypt');
    if (t.error !== null) return refuse();
    out.set(r.out, done);
  }
  const frame = new Uint8Array(data);
  frame.set(out, payloadOffset);
  st.counters.tx_tls_encrypted_packets++;
  st.counters.tx_tls_encrypted_bytes += len;
  st.counters.tx_tls_rexmit_seek++;
  if (tagged) st.counters.tx_tls_rexmit_tag++;
  // Ended inside the sought record: the side context continues behind it (soft).
  if (side.offset + len < recLen) {
    ctx.side = { ...side, offset: side.offset + len };
    ctx.sideSoft = true;
  }
  return { verdict: 'encrypted', out: withFixedTcpChecksum(frame) };
}

function control(st: NicTxState, f: TxFrame): TxStepResult {
  const c = st.counters;
  const d = decodeControl(f);
  if (d.op === 'error' || f.user.ctxId >= st.config.nCtx) {
    c.tx_tls_ctrl_err++;
    return { verdict: 'control_error', out: null };
  }
  if (d.op === 'delete') {
    if (!st.contexts.delete(f.user.ctxId)) {
      c.tx_tls_ctrl_err++;
      return { verdict: 'control_error', out: null };
    }
    c.tx_tls_del++;
    return { verdict: 'control', out: null };
  }
  const i = d.install;
  st.contexts.set(i.ctxId, {
    crypto: { version: i.version, key: i.key, iv: i.iv },
    startOffloadTcpSn: i.startOffloadTcpSn,
    expectedSeq: i.startOffloadTcpSn,
    inSync: true,
    started: false,
    tracker: newTracker({ version: i.version, key: i.key, iv: i.iv }, i.recordSeq, 'encrypt'),
  });
  c.tx_tls_ctx++;
  return { verdict: 'control', out: null };
}

function resync(st: NicTxState, f: TxFrame): TxStepResult {
  const c = st.counters;
  const ctx = lookup(st, f.user.ctxId);
  const d = decodeResync(f);
  const bad = (): TxStepResult => {
    c.tx_tls_resync_bad++;
    return { verdict: 'resync_bad', out: null };
  };
  if (!ctx || !d.ok) {
    if (f.data.length > 2 && f.data[2]! & ResyncFlag.SEEK) st.counters.tx_tls_rexmit_bad++;
    return bad();
  }
  if (d.seek) {
    // A side context for the next packet: only what the descriptor itself can contradict is checked here.
    const body = seekRecordLength(d.seek.header) - TLS_HEADER_LEN;
    const min = recordOverhead(ctx.crypto.version) - TLS_HEADER_LEN;
    if (body < min || body > MAX_RECORD_BODY || d.seek.offset >= TLS_HEADER_LEN + body) {
      st.counters.tx_tls_rexmit_bad++;
      return bad();
    }
    ctx.side = d.seek;
    ctx.sideSoft = false;
    c.tx_tls_ooo++;
    return { verdict: 'resync', out: null };
  }
  const load = d.load;
  // START: back to the offload start itself, where the next packet may straddle it.
  if (load.atStart && (load.prefix.length !== 0 || load.recordStartTcpSn !== ctx.startOffloadTcpSn)) return bad();
  // The explicit nonce bytes present in the prefix must be the ones the load names.
  if (ctx.crypto.version === '1.2') {
    const have = Math.min(Math.max(load.prefix.length - TLS_HEADER_LEN, 0), 8);
    for (let k = 0; k < have; k++) if (load.prefix[TLS_HEADER_LEN + k] !== load.explicitNonce[k]) return bad();
  }
  const t = newTracker(ctx.crypto, load.recordSeq, 'encrypt');
  trackRecords(ctx.crypto, t, load.prefix, 'encrypt');
  // The prefix must stay inside one record: an error, or a completed record, contradicts the load.
  if (t.error !== null || trackerRecordSeq(t) !== load.recordSeq) return bad();
  ctx.tracker = t;
  ctx.side = undefined;
  ctx.sideSoft = false;
  ctx.expectedSeq = seqAdd(load.recordStartTcpSn, load.prefix.length);
  ctx.inSync = true;
  ctx.started = !load.atStart;
  c.tx_tls_ooo++;
  c.tx_tls_resync_bytes += load.prefix.length;
  return { verdict: 'resync', out: null };
}
