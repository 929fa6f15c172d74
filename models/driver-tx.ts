// Model of the kernel + driver side of TX offload: turns the segments TCP hands the driver for
// one offloaded socket into frames on the engine's input stream. Like mlx5, the driver keeps its
// own expected TCP sequence number; when a segment does not start there (a retransmission, or
// one coalesced differently), it looks the record up in the socket's record list (the kernel's
// tls_get_record) and posts a resync context load ahead of the packet: record start, record
// number, explicit nonce, and the record bytes before the segment's first byte.
// Segments whose record is gone (acknowledged and freed) go out without a load, and the engine
// drops them (tx_tls_drop_no_sync_data) — never sends them wrong.
import type { RecordList } from './record-list.ts';
import { findRecord } from './record-list.ts';
import { seqAdd, seqLeq, seqLt } from './tcp-seq.ts';
import type { TlsVersion } from './tls-record.ts';
import { TLS_HEADER_LEN } from './tls-record.ts';
import { installFrame, packetFrame, resyncFrame, type TxContextInstall, type TxFrame } from './tx-frames.ts';

/** The driver's per-socket TX offload state. */
export interface DriverTxConnection {
  ctxId: number;
  version: TlsVersion;
  startOffloadTcpSn: number;
  /** Where the driver believes the device expects the next segment. */
  expectedSeq: number;
  /** The socket's records in flight (shared with the host model that frames them). */
  records: RecordList;
}

/** `tls_dev_add`: the install frame and the driver's state for the socket. */
export function driverTxAdd(install: TxContextInstall, records: RecordList): { conn: DriverTxConnection; frame: TxFrame } {
  return {
    conn: {
      ctxId: install.ctxId,
      version: install.version,
      startOffloadTcpSn: install.startOffloadTcpSn,
      expectedSeq: install.startOffloadTcpSn,
      records,
    },
    frame: installFrame(install),
  };
}

/**
 * The frames the driver posts for one TCP segment (an Ethernet frame) of the socket, whose
 * TCP payload starts at `seq` and is `payloadLength` bytes long.
 */
export function driverTxSegment(conn: DriverTxConnection, frame: Uint8Array, seq: number, payloadLength: number): TxFrame[] {
  const packet = packetFrame(frame, true, conn.ctxId);
  const end = seqAdd(seq, payloadLength);
  if (payloadLength === 0 || seqLeq(end, conn.startOffloadTcpSn)) return [packet];
  const start = seqLt(seq, conn.startOffloadTcpSn) ? conn.startOffloadTcpSn : seq;
  if (start === conn.expectedSeq) {
    conn.expectedSeq = end;
    return [packet];
  }
  const found = findRecord(conn.records, start);
  if (!found) return [packet];
  const { record, offset } = found;
  const nonce = conn.version === '1.2' ? record.bytes.slice(TLS_HEADER_LEN, TLS_HEADER_LEN + 8) : new Uint8Array(8);
  conn.expectedSeq = end;
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
