// The host side of TLS_HW offload, as kTLS does it (tls_device.c: tls_push_data /
// tls_fill_prepend): the kernel cuts the application byte stream into TLS records, writes
// each record's header (and the TLS 1.2 explicit nonce), copies the PLAINTEXT in, and
// reserves space for the authentication tag. The NIC later encrypts the payload in place and
// writes the real tag over the reserved bytes.
//
// Dummy tag: the reserved 16 tag bytes are written as zeros here. The kernel leaves them
// uninitialised-but-allocated (their content is irrelevant because the device overwrites
// them); zeros make the model deterministic.
//
// Record layout (`TlsRecord.bytes`):
//   TLS 1.2: type ‖ 0x0303 ‖ length ‖ explicit nonce (8) ‖ plaintext ‖ tag (16)
//   TLS 1.3: 23   ‖ 0x0303 ‖ length ‖ plaintext ‖ real content type ‖ zero padding ‖ tag (16)
// where length counts every byte after the 5-byte header.

import { seqAdd } from './tcp-seq.ts';
import { TLS12_EXPLICIT_NONCE_LEN, TLS_HEADER_LEN, TLS_MAX_PLAINTEXT, TLS_TAG_LEN, type TlsVersion } from './tls-record.ts';

// One definition of the version and the record constants, shared with the record protection model.
export { TLS12_EXPLICIT_NONCE_LEN, TLS_HEADER_LEN, TLS_MAX_PLAINTEXT, TLS_TAG_LEN, type TlsVersion };
export const CONTENT_TYPE_APPLICATION_DATA = 23;
/** TLS 1.3 TLSInnerPlaintext (content ‖ type ‖ padding) may not exceed 2^14 + 1 bytes. */
const TLS13_MAX_INNER = TLS_MAX_PLAINTEXT + 1;

export interface TlsRecord {
  recordSeq: bigint;
  /** uint32 TCP sequence number of the record's first (header) byte. */
  tcpSeq: number;
  /** The real content type (for TLS 1.3 the one inside the record, not the outer 23). */
  contentType: number;
  /** header ‖ [1.2: explicit nonce] ‖ plaintext [1.3: ‖ content type ‖ zero padding] ‖ 16 dummy tag bytes */
  bytes: Uint8Array;
  /** Application bytes carried (excludes the 1.3 content type byte and padding). */
  plaintextLength: number;
  /** The tag the engine wrote, once its completion stream reported it (models/driver-tx.ts). */
  tag?: Uint8Array;
}

export interface FramerConfig {
  version: TlsVersion;
  /** Largest plaintext per record, 1..16384 (kTLS: up to TLS_MAX_PAYLOAD_SIZE, less with record_size_limit). */
  maxPlaintext: number;
  /**
   * TLS 1.2: explicit nonce of the first record framed (subsequent records increment it,
   * mod 2^64, as OpenSSL does from its random start). Default: the first record's recordSeq.
   */
  explicitNonceStart?: bigint;
  /** TLS 1.3: zero padding bytes per record (default 0). */
  padding?: number;
}

/** Bytes a record adds around its plaintext (header, nonce or inner type + padding, tag). */
export function recordOverhead(cfg: FramerConfig): number {
  return cfg.version === '1.2'
    ? TLS_HEADER_LEN + TLS12_EXPLICIT_NONCE_LEN + TLS_TAG_LEN
    : TLS_HEADER_LEN + 1 + (cfg.padding ?? 0) + TLS_TAG_LEN;
}

/** Offset of the first plaintext byte in a record: 13 for TLS 1.2, 5 for TLS 1.3. */
export function payloadStart(version: TlsVersion): number {
  return version === '1.2' ? TLS_HEADER_LEN + TLS12_EXPLICIT_NONCE_LEN : TLS_HEADER_LEN;
}

function validate(cfg: FramerConfig, contentType: number): void {
  const m = cfg.maxPlaintext;
  if (!Number.isInteger(m) || m < 1 || m > TLS_MAX_PLAINTEXT) throw new Error(`frameRecords: maxPlaintext ${m} not in 1..16384`);
  if (!Number.isInteger(contentType) || contentType < 0 || contentType > 255) throw new Error(`frameRecords: content type ${contentType}`);
  const pad = cfg.padding ?? 0;
  if (cfg.version === '1.2') {
    if (pad !== 0) throw new Error('frameRecords: padding is TLS 1.3 only');
  } else {
    if (!Number.isInteger(pad) || pad < 0) throw new Error(`frameRecords: padding ${pad}`);
    if (m + 1 + pad > TLS13_MAX_INNER) throw new Error(`frameRecords: maxPlaintext ${m} + padding ${pad} exceeds the TLS 1.3 inner plaintext limit`);
    if (contentType === 0) throw new Error('frameRecords: TLS 1.3 inner content type must be non-zero');
  }
}

/** Frame one record carrying `plaintext`. */
function frameOne(cfg: FramerConfig, plaintext: Uint8Array, recordSeq: bigint, tcpSeq: number, contentType: number, explicitNonce: bigint): TlsRecord {
  const len = plaintext.length + recordOverhead(cfg) - TLS_HEADER_LEN;
  const b = new Uint8Array(TLS_HEADER_LEN + len);
  const dv = new DataView(b.buffer);
  b[0] = cfg.version === '1.2' ? contentType : CONTENT_TYPE_APPLICATION_DATA;
  dv.setUint16(1, 0x0303);
  dv.setUint16(3, len);
  if (cfg.version === '1.2') {
    dv.setBigUint64(TLS_HEADER_LEN, BigInt.asUintN(64, explicitNonce));
    b.set(plaintext, TLS_HEADER_LEN + TLS12_EXPLICIT_NONCE_LEN);
  } else {
    b.set(plaintext, TLS_HEADER_LEN);
    b[TLS_HEADER_LEN + plaintext.length] = contentType; // zero padding and dummy tag follow, already zero
  }
  return { recordSeq, tcpSeq, contentType, bytes: b, plaintextLength: plaintext.length };
}

/**
 * Cut `data` into records of at most cfg.maxPlaintext bytes, the first with record sequence
 * number first.recordSeq starting at TCP sequence first.tcpSeq; later records follow
 * back to back in both sequence spaces. Empty data yields no records.
 */
export function frameRecords(
  cfg: FramerConfig,
  data: Uint8Array,
  first: { recordSeq: bigint; tcpSeq: number },
  contentType: number = CONTENT_TYPE_APPLICATION_DATA,
): TlsRecord[] {
  validate(cfg, contentType);
  const out: TlsRecord[] = [];
  const nonce0 = cfg.explicitNonceStart ?? first.recordSeq;
  let tcpSeq = first.tcpSeq >>> 0;
  for (let off = 0, i = 0n; off < data.length; off += cfg.maxPlaintext, i++) {
    const chunk = data.subarray(off, Math.min(off + cfg.maxPlaintext, data.length));
    const rec = frameOne(cfg, chunk, first.recordSeq + i, tcpSeq, contentType, nonce0 + i);
    out.push(rec);
    tcpSeq = seqAdd(tcpSeq, rec.bytes.length);
  }
  return out;
}

/**
 * Running state of one socket's framer, for callers that push data in several writes
 * (as sendmsg does): where the next record goes in both sequence spaces.
 */
export interface FramerState {
  cfg: FramerConfig;
  nextRecordSeq: bigint;
  nextTcpSeq: number;
  /** TLS 1.2 explicit nonce of the next record. */
  nextExplicitNonce: bigint;
}

export function createFramerState(cfg: FramerConfig, first: { recordSeq: bigint; tcpSeq: number }): FramerState {
  return {
    cfg,
    nextRecordSeq: first.recordSeq,
    nextTcpSeq: first.tcpSeq >>> 0,
    nextExplicitNonce: cfg.explicitNonceStart ?? first.recordSeq,
  };
}

/** Frame one write and advance the state. Records never span writes (like a kTLS push with MSG_EOR). */
export function frameNext(state: FramerState, data: Uint8Array, contentType: number = CONTENT_TYPE_APPLICATION_DATA): TlsRecord[] {
  const recs = frameRecords(
    { ...state.cfg, explicitNonceStart: state.nextExplicitNonce },
    data,
    { recordSeq: state.nextRecordSeq, tcpSeq: state.nextTcpSeq },
    contentType,
  );
  const n = BigInt(recs.length);
  state.nextRecordSeq += n;
  state.nextExplicitNonce = BigInt.asUintN(64, state.nextExplicitNonce + n);
  for (const r of recs) state.nextTcpSeq = seqAdd(state.nextTcpSeq, r.bytes.length);
  return recs;
}

/** The explicit nonce of a TLS 1.2 record (bytes 5..12). */
export function explicitNonceOf(rec: TlsRecord): bigint {
  return new DataView(rec.bytes.buffer, rec.bytes.byteOffset, rec.bytes.byteLength).getBigUint64(TLS_HEADER_LEN);
}

/** Concatenate records into the TCP byte stream the host hands to TCP. */
export function recordStream(records: readonly TlsRecord[]): Uint8Array {
  let n = 0;
  for (const r of records) n += r.bytes.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const r of records) {
    out.set(r.bytes, o);
    o += r.bytes.length;
  }
  return out;
}
