// The record tracker a NIC keeps per connection and direction: it follows the TLS record framing
// through a byte stream cut into arbitrary pieces (TCP payloads, resync prefixes), record after
// record, on top of the single-record piecewise protection in tls-record.ts. State is plain data,
// saved in the flow table between packets.
//
// Byte classes inside one record, with what the tracker does to each on TX (`encrypt`):
//   header (5)            passed through; its length field sets the record length
//   explicit nonce (8)    TLS 1.2 only: passed through; it is the nonce's record-specific half
//   payload               encrypted (plaintext → ciphertext)
//   tag (16)              replaced by the real tag (the host wrote a dummy)
// RX (`decrypt`) mirrors it: payload decrypted, the received tag compared with the computed one.
//
// A header whose length field is impossible (below an empty record's, above 2^14 + 256) puts the
// tracker in error before that header is consumed: the engine drops what it was processing and
// the connection stays out of sync until it is resynchronised.
import {
  cloneRecordCryptoState,
  protectRecordPiece,
  recordComplete,
  recordOverhead,
  recordPrefixLen,
  startRecordProtection,
  startRecordUnprotection,
  TLS_HEADER_LEN,
  unprotectRecordPiece,
  type RecordCryptoState,
  type TlsCryptoInfo,
} from './tls-record.ts';

/** Longest record body (bytes after the 5-byte header) the engine accepts: 2^14 + 256. */
export const MAX_RECORD_BODY = (1 << 14) + 256;

export type TrackerMode = 'encrypt' | 'decrypt';

export interface RecordTracker {
  /** The record under the cursor. */
  record: RecordCryptoState;
  /** Why the stream cannot be followed any more (an impossible header); null while healthy. */
  error: string | null;
}

export interface TrackerResult {
  /** Bytes out, same length as in (up to the error, if one was found; the rest copied). */
  out: Uint8Array;
  /** Records whose last byte was in this piece. */
  recordsCompleted: number;
  /** decrypt: records completed in this piece whose tag did not match. */
  badTags: number;
  /** encrypt: the records completed in this piece with the tag written (the engine's completion stream). */
  tags: { recordSeq: bigint; tag: Uint8Array }[];
}

function startRecord(info: TlsCryptoInfo, recordSeq: bigint, mode: TrackerMode): RecordCryptoState {
  return mode === 'encrypt' ? startRecordProtection(info, recordSeq) : startRecordUnprotection(info, recordSeq);
}

export function newTracker(info: TlsCryptoInfo, recordSeq: bigint, mode: TrackerMode): RecordTracker {
  return { record: startRecord(info, recordSeq, mode), error: null };
}

export function cloneTracker(t: RecordTracker): RecordTracker {
  return { record: cloneRecordCryptoState(t.record), error: t.error };
}

/** Record sequence number of the record under the cursor. */
export function trackerRecordSeq(t: RecordTracker): bigint {
  return t.record.recordSeq;
}

/** The record body length a header announces, or an error when no record can be that long. */
function checkBodyLength(info: TlsCryptoInfo, body: number): string | null {
  const min = recordOverhead(info.version) - TLS_HEADER_LEN;
  return body < min || body > MAX_RECORD_BODY ? `record length ${body} outside ${min}..${MAX_RECORD_BODY}` : null;
}

/** Feeds one piece of the stream through the tracker (mutating it). */
export function trackRecords(info: TlsCryptoInfo, t: RecordTracker, piece: Uint8Array, mode: TrackerMode): TrackerResult {
  const out = new Uint8Array(piece);
  const prefixLen = recordPrefixLen(info.version);
  let records = 0;
  let badTags = 0;
  const tags: TrackerResult['tags'] = [];
  let i = 0;
  while (i < piece.length && t.error === null) {
    const rec = t.record;
    const n = Math.min(rec.recordLen < 0 ? prefixLen - rec.offset : rec.recordLen - rec.offset, piece.length - i);
    if (rec.offset < TLS_HEADER_LEN && rec.offset + n >= TLS_HEADER_LEN) {
      const hdr = new Uint8Array(TLS_HEADER_LEN);
      hdr.set(rec.prefix.subarray(0, rec.offset));
      hdr.set(piece.subarray(i, i + TLS_HEADER_LEN - rec.offset), rec.offset);
      t.error = checkBodyLength(info, (hdr[3] << 8) | hdr[4]);
      if (t.error !== null) break;
    }
    const src = piece.subarray(i, i + n);
    out.set(mode === 'encrypt' ? protectRecordPiece(info, rec, src) : unprotectRecordPiece(info, rec, src), i);
    i += n;
    if (recordComplete(rec)) {
      records++;
      if (mode === 'decrypt' && !rec.tagMatches) badTags++;
      if (mode === 'encrypt' && rec.tag) tags.push({ recordSeq: rec.recordSeq, tag: Uint8Array.from(rec.tag) });
      t.record = startRecord(info, rec.recordSeq + 1n, mode);
    }
  }
  return { out, recordsCompleted: records, badTags, tags };
}
