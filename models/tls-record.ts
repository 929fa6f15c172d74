// TLS 1.2 / 1.3 AES-GCM record protection, whole-record and the piecewise way a NIC does it.
//
// A framed record is what the kernel hands the NIC with TLS_HW offload (Documentation/networking/
// tls-offload.rst): header ‖ [1.2: 8-byte explicit nonce] ‖ plaintext ‖ 16 placeholder tag bytes.
// The NIC encrypts the payload in place and overwrites the placeholder with the tag; the header and
// explicit nonce go out unchanged. Record bytes reach the NIC split across TCP segments at arbitrary
// offsets, so the piecewise API keeps everything it needs between pieces in plain, clonable data.
//
// Nonce and AAD: RFC 5288 §3 / RFC 5246 §6.2.3.3 for 1.2 (salt ‖ explicit nonce; AAD = seq ‖ type ‖
// version ‖ plaintext length), RFC 8446 §5.2-5.3 for 1.3 (iv XOR padded seq; AAD = the record header).

import { tagsEqual, u16be, u64be } from './bytes.ts';
import {
  cachedKeySchedule,
  cloneGcmState,
  gcmDecryptPiece,
  gcmEncryptPiece,
  gcmStart,
  gcmTag,
  type GcmState,
} from './gcm.ts';

export type TlsVersion = '1.2' | '1.3';
export const TLS_HEADER_LEN = 5;
export const TLS12_EXPLICIT_NONCE_LEN = 8;
export const TLS_TAG_LEN = 16;
export const TLS_MAX_PLAINTEXT = 16384;

export interface TlsCryptoInfo {
  version: TlsVersion;
  /** 16 or 32 bytes (AES-128-GCM / AES-256-GCM). */
  key: Uint8Array;
  /** 1.2: the 4-byte implicit salt; 1.3: the 12-byte static iv. */
  iv: Uint8Array;
}

/** Bytes before the payload: header, plus the explicit nonce in 1.2. */
export function recordPrefixLen(version: TlsVersion): number {
  return version === '1.2' ? TLS_HEADER_LEN + TLS12_EXPLICIT_NONCE_LEN : TLS_HEADER_LEN;
}

/** Record bytes that are not payload: prefix plus tag. */
export function recordOverhead(version: TlsVersion): number {
  return recordPrefixLen(version) + TLS_TAG_LEN;
}

function checkInfo(info: TlsCryptoInfo): void {
  if (info.version !== '1.2' && info.version !== '1.3') throw new Error(`TLS version must be '1.2' or '1.3', got ${String(info.version)}`);
  if (info.key.length !== 16 && info.key.length !== 32) throw new Error(`TLS key must be 16 or 32 bytes, got ${info.key.length}`);
  const ivLen = info.version === '1.2' ? 4 : 12;
  if (info.iv.length !== ivLen) throw new Error(`TLS ${info.version} iv must be ${ivLen} bytes, got ${info.iv.length}`);
}

/** The 12-byte GCM nonce for a record. 1.2 without an explicit nonce uses the sequence number, as Linux kTLS does. */
export function recordNonce(info: TlsCryptoInfo, recordSeq: bigint, explicitNonce?: Uint8Array): Uint8Array {
  checkInfo(info);
  const seq = u64be(recordSeq);
  const nonce = new Uint8Array(12);
  if (info.version === '1.2') {
    const explicit = explicitNonce ?? seq;
    if (explicit.length !== TLS12_EXPLICIT_NONCE_LEN) throw new Error(`TLS 1.2 explicit nonce must be 8 bytes, got ${explicit.length}`);
    nonce.set(info.iv, 0);
    nonce.set(explicit, 4);
  } else {
    if (explicitNonce !== undefined) throw new Error('TLS 1.3 records have no explicit nonce');
    nonce.set(info.iv);
    for (let i = 0; i < 8; i++) nonce[4 + i] = (nonce[4 + i] as number) ^ (seq[i] as number);
  }
  return nonce;
}

/** Record length field from a 5-byte header. */
function headerLength(header: Uint8Array): number {
  return ((header[3] as number) << 8) | (header[4] as number);
}

/** AAD: 1.2 = seq(8) ‖ type ‖ version(2) ‖ plaintext length(2); 1.3 = the 5-byte header as on the wire. */
export function recordAad(version: TlsVersion, recordSeq: bigint, header: Uint8Array): Uint8Array {
  if (header.length !== TLS_HEADER_LEN) throw new Error(`TLS record header must be 5 bytes, got ${header.length}`);
  if (version === '1.3') return Uint8Array.from(header);
  const len = headerLength(header);
  if (len < TLS12_EXPLICIT_NONCE_LEN + TLS_TAG_LEN) throw new Error(`TLS 1.2 record length ${len} is shorter than explicit nonce + tag`);
  const aad = new Uint8Array(13);
  aad.set(u64be(recordSeq), 0);
  aad.set(header.subarray(0, 3), 8);
  aad.set(u16be(len - TLS12_EXPLICIT_NONCE_LEN - TLS_TAG_LEN), 11);
  return aad;
}

/** Checks the framing and returns where the payload sits. */
function framing(version: TlsVersion, record: Uint8Array): { payloadStart: number; payloadEnd: number } {
  if (record.length < TLS_HEADER_LEN) throw new Error(`TLS record of ${record.length} bytes has no complete header`);
  const len = headerLength(record);
  if (len !== record.length - TLS_HEADER_LEN) {
    throw new Error(`TLS record header says ${len} bytes follow, but ${record.length - TLS_HEADER_LEN} do`);
  }
  const payloadStart = recordPrefixLen(version);
  const payloadEnd = record.length - TLS_TAG_LEN;
  if (payloadEnd < payloadStart) throw new Error(`TLS ${version} record of ${record.length} bytes is shorter than its fixed overhead ${recordOverhead(version)}`);
  return { payloadStart, payloadEnd };
}

function startGcm(info: TlsCryptoInfo, recordSeq: bigint, prefix: Uint8Array): GcmState {
  const ks = cachedKeySchedule(info.key);
  const header = prefix.subarray(0, TLS_HEADER_LEN);
  const explicit = info.version === '1.2' ? prefix.subarray(TLS_HEADER_LEN, TLS_HEADER_LEN + TLS12_EXPLICIT_NONCE_LEN) : undefined;
  return gcmStart(ks, recordNonce(info, recordSeq, explicit), recordAad(info.version, recordSeq, header));
}

/**
 * `record` is a framed record as the host hands it to the NIC: header ‖ [1.2: explicit nonce] ‖ plaintext
 * (1.3: incl. inner content type + padding) ‖ 16 dummy tag bytes. Returns the protected record, same length.
 */
export function protectRecord(info: TlsCryptoInfo, recordSeq: bigint, record: Uint8Array): Uint8Array {
  checkInfo(info);
  const { payloadStart, payloadEnd } = framing(info.version, record);
  const ks = cachedKeySchedule(info.key);
  const st = startGcm(info, recordSeq, record.subarray(0, payloadStart));
  const out = new Uint8Array(record.length);
  out.set(record.subarray(0, payloadStart));
  out.set(gcmEncryptPiece(ks, st, record.subarray(payloadStart, payloadEnd)), payloadStart);
  out.set(gcmTag(ks, st), payloadEnd);
  return out;
}

/** Inverse of protectRecord: the framed plaintext record (tag bytes zeroed), or null if authentication fails. */
export function unprotectRecord(info: TlsCryptoInfo, recordSeq: bigint, record: Uint8Array): Uint8Array | null {
  checkInfo(info);
  const { payloadStart, payloadEnd } = framing(info.version, record);
  const ks = cachedKeySchedule(info.key);
  const st = startGcm(info, recordSeq, record.subarray(0, payloadStart));
  const out = new Uint8Array(record.length);
  out.set(record.subarray(0, payloadStart));
  out.set(gcmDecryptPiece(ks, st, record.subarray(payloadStart, payloadEnd)), payloadStart);
  return tagsEqual(gcmTag(ks, st), record.subarray(payloadEnd)) ? out : null;
}

// ---------------------------------------------------------------------------------------------------
// Piecewise processing: the NIC's view.

export type RecordDirection = 'protect' | 'unprotect';

/** Everything kept between pieces of one record. Plain data: structuredClone-able. */
export interface RecordCryptoState {
  version: TlsVersion;
  direction: RecordDirection;
  recordSeq: bigint;
  /** Bytes of the record consumed so far (header included). */
  offset: number;
  /** Header ‖ [1.2: explicit nonce] bytes seen so far; length recordPrefixLen(version). */
  prefix: Uint8Array;
  /** Total framed record length (header included); -1 until the header is complete. */
  recordLen: number;
  /** GCM state; null until header (+ explicit nonce) are complete. */
  gcm: GcmState | null;
  /** The computed tag once the payload is complete (protect: written out; unprotect: compared). */
  tag: Uint8Array | null;
  /** Tag bytes written (protect) or checked (unprotect) so far. */
  tagDone: number;
  /** unprotect only: whether every tag byte checked so far matched. */
  tagMatches: boolean;
}

function startPiecewise(info: TlsCryptoInfo, recordSeq: bigint, direction: RecordDirection): RecordCryptoState {
  checkInfo(info);
  u64be(recordSeq); // range check now rather than at the first payload byte
  return {
    version: info.version,
    direction,
    recordSeq,
    offset: 0,
    prefix: new Uint8Array(recordPrefixLen(info.version)),
    recordLen: -1,
    gcm: null,
    tag: null,
    tagDone: 0,
    tagMatches: true,
  };
}

export function startRecordProtection(info: TlsCryptoInfo, recordSeq: bigint): RecordCryptoState {
  return startPiecewise(info, recordSeq, 'protect');
}

/** RX counterpart: decrypts payload pieces and checks the tag as its bytes arrive. */
export function startRecordUnprotection(info: TlsCryptoInfo, recordSeq: bigint): RecordCryptoState {
  return startPiecewise(info, recordSeq, 'unprotect');
}

/** True once every byte of the record (tag included) has been processed. */
export function recordComplete(st: RecordCryptoState): boolean {
  return st.recordLen >= 0 && st.offset === st.recordLen;
}

/** unprotect: null while the record is incomplete, else whether the tag authenticated. */
export function recordAuthentic(st: RecordCryptoState): boolean | null {
  if (st.direction !== 'unprotect') throw new Error('recordAuthentic: state is not an unprotect (RX) state');
  return recordComplete(st) ? st.tagMatches : null;
}

export function cloneRecordCryptoState(st: RecordCryptoState): RecordCryptoState {
  return {
    ...st,
    prefix: Uint8Array.from(st.prefix),
    gcm: st.gcm ? cloneGcmState(st.gcm) : null,
    tag: st.tag ? Uint8Array.from(st.tag) : null,
  };
}

function processPiece(info: TlsCryptoInfo, st: RecordCryptoState, piece: Uint8Array, direction: RecordDirection): Uint8Array {
  if (st.direction !== direction) throw new Error(`record state was started for '${st.direction}', not '${direction}'`);
  if (info.version !== st.version) throw new Error(`crypto info is TLS ${info.version} but the record state is TLS ${st.version}`);
  const ks = cachedKeySchedule(info.key);
  const prefixLen = st.prefix.length;
  const out = new Uint8Array(piece.length);
  let i = 0;
  while (i < piece.length) {
    if (st.recordLen >= 0 && st.offset >= st.recordLen) {
      throw new Error(`piece runs ${piece.length - i} byte(s) past the end of the ${st.recordLen}-byte record`);
    }
    if (st.offset < prefixLen) {
      // Header / explicit nonce: pass through, remember.
      const n = Math.min(prefixLen - st.offset, piece.length - i);
      st.prefix.set(piece.subarray(i, i + n), st.offset);
      out.set(piece.subarray(i, i + n), i);
      const before = st.offset;
      st.offset += n;
      i += n;
      if (before < TLS_HEADER_LEN && st.offset >= TLS_HEADER_LEN) {
        const len = headerLength(st.prefix);
        if (len < recordOverhead(st.version) - TLS_HEADER_LEN) {
          throw new Error(`TLS ${st.version} record length ${len} is shorter than its fixed overhead`);
        }
        st.recordLen = TLS_HEADER_LEN + len;
      }
      if (st.offset === prefixLen) st.gcm = startGcm(info, st.recordSeq, st.prefix);
      continue;
    }
    const gcm = st.gcm;
    if (!gcm) throw new Error('internal: GCM state missing after record prefix');
    const payloadEnd = st.recordLen - TLS_TAG_LEN;
    if (st.offset < payloadEnd) {
      const n = Math.min(payloadEnd - st.offset, piece.length - i);
      const src = piece.subarray(i, i + n);
      out.set(direction === 'protect' ? gcmEncryptPiece(ks, gcm, src) : gcmDecryptPiece(ks, gcm, src), i);
      st.offset += n;
      i += n;
      continue;
    }
    // Tag region (reached even for a 0-byte payload, since the loop re-checks after the prefix).
    if (!st.tag) st.tag = gcmTag(ks, gcm);
    const n = Math.min(st.recordLen - st.offset, piece.length - i);
    for (let k = 0; k < n; k++) {
      const want = st.tag[st.tagDone + k] as number;
      if (direction === 'protect') out[i + k] = want;
      else {
        const got = piece[i + k] as number;
        out[i + k] = got; // RX passes the tag through; the verdict is in tagMatches
        if (got !== want) st.tagMatches = false;
      }
    }
    st.tagDone += n;
    st.offset += n;
    i += n;
  }
  return out;
}

/**
 * The same protection done the way a NIC does it: record bytes in arbitrary pieces (split anywhere:
 * inside the header, the explicit nonce, the payload, the tag). Same length out; header/nonce pass
 * through, payload encrypted, tag placeholder bytes replaced by the real tag. Mutates st.
 */
export function protectRecordPiece(info: TlsCryptoInfo, st: RecordCryptoState, piece: Uint8Array): Uint8Array {
  return processPiece(info, st, piece, 'protect');
}

/** RX: same length out; header/nonce/tag pass through, payload decrypted; see recordAuthentic. Mutates st. */
export function unprotectRecordPiece(info: TlsCryptoInfo, st: RecordCryptoState, piece: Uint8Array): Uint8Array {
  return processPiece(info, st, piece, 'unprotect');
}

/** Builds a framed record (placeholder tag zeroed) around a payload: convenient for tests and traffic generators. */
export function frameRecord(version: TlsVersion, contentType: number, payload: Uint8Array, explicitNonce?: Uint8Array): Uint8Array {
  const prefixLen = recordPrefixLen(version);
  const len = prefixLen - TLS_HEADER_LEN + payload.length + TLS_TAG_LEN;
  if (len > 0xffff) throw new Error(`record payload of ${payload.length} bytes does not fit a 16-bit record length`);
  const rec = new Uint8Array(TLS_HEADER_LEN + len);
  rec[0] = contentType;
  rec[1] = 0x03;
  rec[2] = 0x03; // legacy_record_version 0x0303 for both 1.2 and 1.3 (RFC 8446 §5.1)
  rec.set(u16be(len), 3);
  if (version === '1.2') {
    const en = explicitNonce ?? new Uint8Array(TLS12_EXPLICIT_NONCE_LEN);
    if (en.length !== TLS12_EXPLICIT_NONCE_LEN) throw new Error(`explicit nonce must be 8 bytes, got ${en.length}`);
    rec.set(en, TLS_HEADER_LEN);
  } else if (explicitNonce !== undefined) {
    throw new Error('TLS 1.3 records have no explicit nonce');
  }
  rec.set(payload, prefixLen);
  return rec;
}
