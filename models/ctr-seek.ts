// CTR seek (issue 17): protecting a piece of one TLS record that starts anywhere inside it,
// without the bytes before it. AES-GCM's keystream for payload block j of a record is
// E_K(nonce ‖ 2 + j), so payload byte q needs only the record's nonce and q: the piece's header
// and explicit-nonce bytes pass through, its payload bytes are XORed with the keystream from
// block 2 + ⌊q/16⌋ on, byte q mod 16 within it. The tag cannot be computed without the whole
// record (GHASH runs over every ciphertext block), so tag bytes in the piece are written from a
// known tag (the one the engine reported when it first sent the record) — and without one the
// piece cannot be protected here at all.
import { aesEncryptBlock, cachedKeySchedule } from './gcm.ts';
import { recordNonce, recordPrefixLen, TLS_HEADER_LEN, TLS_TAG_LEN, type TlsCryptoInfo } from './tls-record.ts';

/** What a seek needs to know of the record: its place in the stream and its framing. */
export interface SeekRecord {
  recordSeq: bigint;
  /** TLS 1.2: the record's explicit nonce (8 bytes); ignored for 1.3. */
  explicitNonce: Uint8Array;
  /** The record's 5-byte header as framed (its length field gives the record's extent). */
  header: Uint8Array;
  /** The record's 16-byte tag, when known. */
  tag?: Uint8Array;
}

export type SeekResult = { ok: true; out: Uint8Array } | { ok: false; reason: string };

/** Total framed length (header included) the header announces. */
export function seekRecordLength(header: Uint8Array): number {
  return TLS_HEADER_LEN + ((header[3]! << 8) | header[4]!);
}

/**
 * Protects `piece`, the record's bytes [offset, offset + piece.length), which must lie inside the
 * record. Header bytes in the piece must equal the header given (the piece is the host's framing,
 * plaintext), tag bytes need `rec.tag`; otherwise the result says why it cannot be done.
 */
export function seekProtect(info: TlsCryptoInfo, rec: SeekRecord, offset: number, piece: Uint8Array): SeekResult {
  const len = seekRecordLength(rec.header);
  const prefixLen = recordPrefixLen(info.version);
  if (len < prefixLen + TLS_TAG_LEN) return { ok: false, reason: `record length ${len - TLS_HEADER_LEN} below its overhead` };
  if (offset < 0 || offset + piece.length > len) return { ok: false, reason: `bytes ${offset}..${offset + piece.length} outside the ${len}-byte record` };
  const tagAt = len - TLS_TAG_LEN;
  const out = new Uint8Array(piece);
  for (let k = 0; k < piece.length; k++) {
    const q = offset + k;
    if (q < TLS_HEADER_LEN && piece[k] !== rec.header[q]) return { ok: false, reason: `header byte ${q} differs from the descriptor's` };
    if (q >= tagAt && !rec.tag) return { ok: false, reason: 'tag bytes without a known tag' };
  }
  if (info.version === '1.2') {
    for (let k = 0; k < piece.length; k++) {
      const q = offset + k;
      if (q >= TLS_HEADER_LEN && q < prefixLen && piece[k] !== rec.explicitNonce[q - TLS_HEADER_LEN]) return { ok: false, reason: `explicit nonce byte ${q - TLS_HEADER_LEN} differs from the descriptor's` };
    }
  }
  const nonce = recordNonce(info, rec.recordSeq, info.version === '1.2' ? rec.explicitNonce : undefined);
  const ks = cachedKeySchedule(info.key);
  const block = new Uint8Array(16);
  block.set(nonce);
  let have = -1;
  let stream: Uint8Array = new Uint8Array(16);
  for (let k = 0; k < piece.length; k++) {
    const q = offset + k;
    if (q < prefixLen) continue;
    if (q >= tagAt) {
      out[k] = rec.tag![q - tagAt]!;
      continue;
    }
    const j = Math.floor((q - prefixLen) / 16);
    if (j !== have) {
      new DataView(block.buffer).setUint32(12, (2 + j) >>> 0);
      stream = aesEncryptBlock(ks, block);
      have = j;
    }
    out[k] = piece[k]! ^ stream[(q - prefixLen) % 16]!;
  }
  return { ok: true, out };
}
