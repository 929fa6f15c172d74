// Model of the kernel + driver side of TX offload: turns the segments TCP hands the driver for
// one offloaded socket into frames on the engine's input stream. Like mlx5, the driver keeps its
// own expected TCP sequence number; when a segment does not start there (a retransmission, or
// one coalesced differently), it looks the record up in the socket's record list (the kernel's
// tls_get_record) and posts a resync context load ahead of the packet: record start, record
// number, explicit nonce, and the record bytes before the segment's first byte.
// Segments whose record is gone (acknowledged and freed) go out without a load, and the engine
// drops them (tx_tls_drop_no_sync_data) — never sends them wrong.
//
// Data before start_offload_tcp_sn (the handshake flight) is found the way the kernel finds it:
// through a start marker that lives at the head of the record list until TCP acknowledges
// start_offload_tcp_sn (tls_record_is_start_marker). Only while the marker lives is a segment
// compared with start_offload_tcp_sn at all, so the 2^31-byte window of that modular compare is
// never stretched (the marker dies within one TCP window of the start). A segment entirely
// before the start goes to the engine with the offload bit while the engine has not started
// (it skips it itself and counts tx_tls_skip_no_sync_data), and with the offload bit clear once
// it has (the engine no longer compares with the start, so the driver marks the frame itself and
// counts the skip in its own statistics).
//
// Retransmissions without prefix replay (issue 17; mode 'seek'): a segment that lies wholly
// before the driver's expected sequence (old data TCP sends again) goes out behind a SEEK
// descriptor (models/tx-frames.ts) instead of a resync load: record start, record number,
// offset, the record's header, and — when the segment holds bytes of the record's tag — the
// tag the engine reported on its completion stream (driverTxComplete). The engine protects it on
// a side context, so the driver's expected sequence stays where it was and the next new segment
// takes the fast path. Only a segment that needs a tag the engine never reported (the record's
// end was never encrypted by it) falls back to the prefix replay. Mode 'prefix' (the default)
// replays the prefix for every retransmission, as mlx5 does.
// The engine keeps a side context going after a side packet that ended inside its record (soft,
// models/nic-tx.ts); the driver mirrors it (DriverTxConnection.soft), so the next retransmitted
// segment that starts exactly there, in the same record, goes out with no descriptor at all —
// unless it reaches the record's tag and the descriptor carried none (then a new descriptor with
// the tag). Every other segment it posts with payload and the offload bit ends the soft context.
import { isParseError, parseTcpPacket } from './packet.ts';
import type { RecordList } from './record-list.ts';
import { ackUpTo, findRecord } from './record-list.ts';
import { seqAdd, seqGeq, seqLeq, seqLt } from './tcp-seq.ts';
import type { TlsVersion } from './tls-record.ts';
import { TLS_HEADER_LEN } from './tls-record.ts';
import { installFrame, packetFrame, resyncFrame, seekFrame, type TxContextInstall, type TxFrame } from './tx-frames.ts';

/** A SEEK descriptor carries a known tag when the record ends at most this many bytes after the segment. */
export const SEEK_TAG_AHEAD = 1460;

/** How the driver posts a retransmitted segment: always the prefix replay, or a SEEK descriptor when it can. */
export type TxRexmitMode = 'prefix' | 'seek';

/**
 * The driver's count of out-of-sequence segments by path (the replay summary's figures). A
 * retransmission is a segment wholly before the expected sequence (old data); a jump is one that
 * starts elsewhere (after a hole, or old and new data together, or the new segment after a prefix
 * replay moved the context back).
 */
export interface DriverRexmitStats {
  /** Retransmissions sent by CTR seek (the engine's tx_tls_rexmit_seek), of those the ones whose
   *  packet holds known tag bytes (tx_tls_rexmit_tag), and the ones that continued the side
   *  context of the segment before them with no descriptor. */
  seek: number;
  seekTag: number;
  seekCont: number;
  /** Retransmissions sent behind a resync load (prefix replay). */
  prefix: number;
  /** Jumps (always behind a resync load). */
  jump: number;
  /** Prefix bytes of all resync loads. */
  prefixBytes: number;
}

export function zeroRexmitStats(): DriverRexmitStats {
  return { seek: 0, seekTag: 0, seekCont: 0, prefix: 0, jump: 0, prefixBytes: 0 };
}

export function sumRexmitStats(all: readonly DriverRexmitStats[]): DriverRexmitStats {
  const s = zeroRexmitStats();
  for (const r of all) {
    s.seek += r.seek;
    s.seekTag += r.seekTag;
    s.seekCont += r.seekCont;
    s.prefix += r.prefix;
    s.jump += r.jump;
    s.prefixBytes += r.prefixBytes;
  }
  return s;
}

/** The driver's per-socket TX offload state. */
export interface DriverTxConnection {
  ctxId: number;
  version: TlsVersion;
  startOffloadTcpSn: number;
  /** Where the driver believes the device expects the next segment. */
  expectedSeq: number;
  /** The socket's records in flight (shared with the host model that frames them). */
  records: RecordList;
  /** The start marker is still in the record list (start_offload_tcp_sn not yet acknowledged). */
  startMarker: boolean;
  /**
   * The driver has posted a frame that moves the engine past the offload start (an in-order
   * segment or a resync load). Until then the engine itself skips pre-start data.
   */
  started: boolean;
  /** Pre-start segments the driver sent unencrypted itself (the kernel's tx_tls_skip_no_sync_data, driver side). */
  skipNoSyncData: number;
  /**
   * The engine's context still describes start_offload_tcp_sn but the stream has moved on
   * (driverTxAssumeSent): the next segment must come with a resync load, even one whose sequence
   * number equals the start modulo 2^32.
   */
  mustResync: boolean;
  /** Segments the driver dropped itself (no record to load while mustResync). */
  dropNoSyncData: number;
  rexmitMode: TxRexmitMode;
  rexmit: DriverRexmitStats;
  /** The engine's soft side context as the driver expects it: the sequence number the next
   *  continuing segment must start at, its record's start, and whether the descriptor had the tag. */
  soft?: SoftSide;
}

/** See DriverTxConnection.soft. */
export interface SoftSide {
  pos: number;
  recordTcpSeq: number;
  hasTag: boolean;
}

/**
 * `tls_dev_add`'s capability check. The engine parses Ethernet [802.1Q] IPv4/IPv6 TCP (no IPv6
 * extension headers, no 802.1ad/QinQ, no IP fragments); every segment of a connection whose header
 * shape it cannot parse would be dropped (tx_tls_drop_malformed) and the connection would stall.
 * The header shape is a property of the socket and the egress device, known before the first
 * record, so the driver refuses the offload for such a connection (tls_dev_add fails) and the
 * kernel keeps it in software (TLS_SW): nothing of it reaches the engine with the offload bit.
 * `template` is any packet of the connection (e.g. a pure ACK). A segment that stops parsing later
 * (an option added mid-connection) is still dropped by the engine and counted, never sent wrong.
 */
export function driverTxCanOffload(template: Uint8Array): boolean {
  return !isParseError(parseTcpPacket(template));
}

/** `tls_dev_add`: the install frame and the driver's state for the socket. */
export function driverTxAdd(install: TxContextInstall, records: RecordList, rexmitMode: TxRexmitMode = 'prefix'): { conn: DriverTxConnection; frame: TxFrame } {
  return {
    conn: {
      ctxId: install.ctxId,
      version: install.version,
      startOffloadTcpSn: install.startOffloadTcpSn,
      expectedSeq: install.startOffloadTcpSn,
      records,
      startMarker: true,
      started: false,
      skipNoSyncData: 0,
      mustResync: false,
      dropNoSyncData: 0,
      rexmitMode,
      rexmit: zeroRexmitStats(),
    },
    frame: installFrame(install),
  };
}

/**
 * A cumulative ACK up to `ackSeq`: frees acknowledged records, and the start marker once the
 * acknowledgement reaches start_offload_tcp_sn (compared while the marker lives, i.e. within a
 * TCP window of the start).
 */
export function driverTxAck(conn: DriverTxConnection, ackSeq: number): void {
  ackUpTo(conn.records, ackSeq);
  if (conn.startMarker && seqGeq(ackSeq, conn.startOffloadTcpSn)) conn.startMarker = false;
}

/**
 * The engine's completion stream: record `recordSeq` of the socket was finished with `tag`. The
 * tag is kept with the record while it is in the record list (a freed record needs none).
 */
export function driverTxComplete(conn: DriverTxConnection, recordSeq: bigint, tag: Uint8Array): void {
  // Record numbers rise along the list: binary search over the live records.
  const recs = conn.records.records;
  let lo = conn.records.head;
  let hi = recs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = recs[mid]!;
    if (r.recordSeq === recordSeq) {
      r.tag = Uint8Array.from(tag);
      return;
    }
    if (r.recordSeq < recordSeq) lo = mid + 1;
    else hi = mid - 1;
  }
}

/**
 * The state of a connection that has already sent `bytes` past its offload start, all of it
 * acknowledged (the start marker freed), with the engine's context not yet moved: the next
 * segment makes the driver post a resync load at that offset. Used by long-stream proofs.
 */
export function driverTxAssumeSent(conn: DriverTxConnection, bytes: number): void {
  if (bytes <= 0) return;
  conn.startMarker = false;
  conn.mustResync = true;
}

/**
 * The frames the driver posts for one TCP segment (an Ethernet frame) of the socket, whose
 * TCP payload starts at `seq` and is `payloadLength` bytes long.
 */
export function driverTxSegment(conn: DriverTxConnection, frame: Uint8Array, seq: number, payloadLength: number): TxFrame[] {
  if (payloadLength === 0) return [packetFrame(frame, true, conn.ctxId)];
  const soft = conn.soft;
  const out = segmentFrames(conn, frame, seq, payloadLength);
  // The engine's soft side context: continued or set by the seek path, which returns it set;
  // ended by any other payload packet it receives with the offload bit.
  if (conn.soft === soft && out.some((f) => f.user.offload)) conn.soft = undefined;
  return out;
}

function segmentFrames(conn: DriverTxConnection, frame: Uint8Array, seq: number, payloadLength: number): TxFrame[] {
  const packet = packetFrame(frame, true, conn.ctxId);
  const end = seqAdd(seq, payloadLength);
  const S = conn.startOffloadTcpSn;
  if (conn.startMarker && seqLeq(end, S)) {
    if (!conn.started) return [packet];
    conn.skipNoSyncData++;
    return [packetFrame(frame, false)];
  }
  // A segment straddling the start (the kernel does not build one — skbs of different `decrypted`
  // state are not collapsed — but captures of other stacks have them): the engine leaves the
  // bytes before the start untouched while it has not started; afterwards a START load first.
  const straddles = conn.startMarker && seqLt(seq, S);
  const start = straddles ? S : seq;
  if (start === conn.expectedSeq && !conn.mustResync) {
    conn.expectedSeq = end;
    conn.started = true;
    return [packet];
  }
  if (straddles) {
    // The engine has started: take it back to the start itself (a START load), so it leaves the
    // bytes before the start untouched and encrypts the rest.
    const first = findRecord(conn.records, S);
    if (!first || first.offset !== 0) return [packet];
    conn.expectedSeq = end;
    return [
      resyncFrame({ ctxId: conn.ctxId, recordStartTcpSn: S, recordSeq: first.record.recordSeq, explicitNonce: conn.version === '1.2' ? first.record.bytes.slice(TLS_HEADER_LEN, TLS_HEADER_LEN + 8) : new Uint8Array(8), prefix: new Uint8Array(0), atStart: true }),
      packet,
    ];
  }
  const found = findRecord(conn.records, start);
  if (!found) {
    if (!conn.mustResync) return [packet];
    // The engine would take this segment for the one at the start itself: never send it.
    conn.dropNoSyncData++;
    return [];
  }
  const { record, offset } = found;
  const nonce = conn.version === '1.2' ? record.bytes.slice(TLS_HEADER_LEN, TLS_HEADER_LEN + 8) : new Uint8Array(8);
  // Old data only (the whole segment before the expected sequence), on an engine context that is in order.
  const old = conn.started && !conn.mustResync && seqLeq(end, conn.expectedSeq);
  if (conn.rexmitMode === 'seek' && old) {
    const needsTag = offset > 0 && offset + payloadLength > record.bytes.length - 16;
    // Ends inside the record: the engine keeps the side context going behind it.
    const next = (hasTag: boolean): SoftSide | undefined => (offset + payloadLength < record.bytes.length ? { pos: end, recordTcpSeq: record.tcpSeq, hasTag } : undefined);
    const soft = conn.soft;
    if (soft && soft.pos === seq && soft.recordTcpSeq === record.tcpSeq && (!needsTag || soft.hasTag)) {
      conn.rexmit.seek++;
      conn.rexmit.seekCont++;
      if (needsTag) conn.rexmit.seekTag++;
      conn.soft = next(soft.hasTag);
      return [packet];
    }
    if (!needsTag || record.tag) {
      conn.rexmit.seek++;
      if (needsTag) conn.rexmit.seekTag++;
      // A known tag within a full-size segment of the segment's end rides along (16 more bytes),
      // so a run that reaches it continues instead of taking a second descriptor for it.
      const withTag = needsTag || (record.tag !== undefined && offset > 0 && record.bytes.length - (offset + payloadLength) <= SEEK_TAG_AHEAD);
      conn.soft = next(withTag);
      return [
        seekFrame({
          ctxId: conn.ctxId, recordStartTcpSn: record.tcpSeq, recordSeq: record.recordSeq, explicitNonce: nonce, offset,
          header: record.bytes.slice(0, TLS_HEADER_LEN), ...(withTag ? { tag: record.tag } : {}),
        }),
        packet,
      ];
    }
  }
  if (old) conn.rexmit.prefix++;
  else conn.rexmit.jump++;
  conn.rexmit.prefixBytes += offset;
  conn.expectedSeq = end;
  conn.started = true;
  conn.mustResync = false;
  return [
    resyncFrame({
      ctxId: conn.ctxId,
      recordStartTcpSn: record.tcpSeq,
      recordSeq: record.recordSeq,
      explicitNonce: nonce,
      prefix: record.bytes.subarray(0, offset),
    }),
    packet,
  ];
}
