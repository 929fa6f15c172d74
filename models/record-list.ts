// The host's list of records in flight, keyed by TCP sequence number — the model of the
// kernel's tls_get_record(): given a sequence number (e.g. of a retransmitted segment),
// find the record that byte belongs to and where in the record it sits. Records are
// appended in stream order and freed from the front as TCP acknowledges them.
//
// Sequence numbers wrap at 2^32, so lookups work on offsets relative to the oldest live
// record (`(seq - base) >>> 0`), which are monotone as long as the live span stays below
// 2^31 bytes (enforced on append; a TCP window is far smaller). Lookup is a binary search.

import type { TlsRecord } from './framer.ts';
import { seqAdd, seqLeq } from './tcp-seq.ts';

export interface RecordList {
  /** Live records are records[head..]; freed entries before head are compacted lazily. */
  records: TlsRecord[];
  head: number;
}

const MAX_SPAN = 0x8000_0000;

export function createRecordList(): RecordList {
  return { records: [], head: 0 };
}

/** Records not yet acknowledged, oldest first. */
export function liveRecords(list: RecordList): TlsRecord[] {
  return list.records.slice(list.head);
}

export function recordCount(list: RecordList): number {
  return list.records.length - list.head;
}

function recordEnd(r: TlsRecord): number {
  return seqAdd(r.tcpSeq, r.bytes.length);
}

/**
 * Append a record after the newest one. It must start at or after the previous record's
 * end (the kernel's records are contiguous; gaps are allowed here, overlaps are not) and
 * keep the live span below 2^31 bytes.
 */
export function appendRecord(list: RecordList, rec: TlsRecord): void {
  if (rec.bytes.length === 0) throw new Error('appendRecord: empty record');
  const n = list.records.length;
  if (n > list.head) {
    const base = list.records[list.head].tcpSeq;
    const prevEndRel = (recordEnd(list.records[n - 1]) - base) >>> 0;
    const startRel = (rec.tcpSeq - base) >>> 0;
    const endRel = startRel + rec.bytes.length;
    if (startRel < prevEndRel || endRel >= MAX_SPAN) {
      throw new Error(
        `appendRecord: record at tcp seq ${rec.tcpSeq} overlaps or is out of order (previous record ends at ${recordEnd(list.records[n - 1])}, span limit 2^31)`,
      );
    }
  }
  list.records.push(rec);
}

/**
 * The live record containing the byte at `tcpSeq`, and that byte's offset within the
 * record; undefined if the byte is before the oldest live record, after the newest, or in a
 * gap.
 */
export function findRecord(list: RecordList, tcpSeq: number): { record: TlsRecord; offset: number } | undefined {
  const recs = list.records;
  let lo = list.head;
  let hi = recs.length - 1;
  if (lo > hi) return undefined;
  const base = recs[lo].tcpSeq;
  const rel = (tcpSeq - base) >>> 0;
  // Last record whose start offset <= rel.
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (((recs[mid].tcpSeq - base) >>> 0) <= rel) lo = mid;
    else hi = mid - 1;
  }
  const r = recs[lo];
  const offset = rel - ((r.tcpSeq - base) >>> 0);
  return offset < r.bytes.length ? { record: r, offset } : undefined;
}

/**
 * Free every record whose last byte is before `tcpSeq` (a cumulative ACK: the next byte the
 * peer expects). Partially acknowledged records stay. Returns the freed records, oldest first.
 */
export function ackUpTo(list: RecordList, tcpSeq: number): TlsRecord[] {
  const start = list.head;
  let h = start;
  while (h < list.records.length && seqLeq(recordEnd(list.records[h]), tcpSeq)) h++;
  const freed = list.records.slice(start, h);
  list.head = h;
  // Compact once the dead prefix dominates, keeping appends and frees amortised O(1).
  if (list.head > 64 && list.head * 2 > list.records.length) {
    list.records = list.records.slice(list.head);
    list.head = 0;
  }
  return freed;
}
