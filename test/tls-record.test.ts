// Proof for models/tls-record.ts: whole-record protection against an independent node:crypto
// computation (nonce and AAD rebuilt here from the RFCs, not taken from the model), RFC 8448 wire
// records, piecewise protection with arbitrary split points equal to whole-record protection, and
// authentication failures.
//
// Seed: TLSNIC_SEED overrides the default; every failure message names seed and case.

import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { concatBytes, firstDifference, fromHex, toHex } from '../models/bytes.ts';
import { createPrng, type Prng } from '../models/prng.ts';
import {
  cloneRecordCryptoState,
  frameRecord,
  protectRecord,
  protectRecordPiece,
  recordAad,
  recordAuthentic,
  recordComplete,
  recordNonce,
  startRecordProtection,
  startRecordUnprotection,
  TLS_MAX_PLAINTEXT,
  unprotectRecord,
  unprotectRecordPiece,
  type RecordCryptoState,
  type TlsCryptoInfo,
  type TlsVersion,
} from '../models/tls-record.ts';

const SEED = Number(process.env.TLSNIC_SEED ?? 0x7150);

function expectBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  const d = firstDifference(actual, expected);
  if (d !== -1) {
    const win = (b: Uint8Array): string => toHex(b.subarray(Math.max(0, d - 4), d + 12));
    expect.fail(`${what}: differs at byte ${d} of ${expected.length} (got length ${actual.length}); got …${win(actual)}…, want …${win(expected)}…`);
  }
}

function seqBytes(seq: bigint): Uint8Array {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(seq);
  return new Uint8Array(b);
}

/** Framed record built by hand (not via the model): header ‖ [explicit nonce] ‖ payload ‖ 16 zero bytes. */
function handFrame(version: TlsVersion, type: number, payload: Uint8Array, explicit: Uint8Array): Uint8Array {
  const body = concatBytes(version === '1.2' ? explicit : new Uint8Array(0), payload, new Uint8Array(16));
  return concatBytes(Uint8Array.of(type, 3, 3, body.length >> 8, body.length & 0xff), body);
}

/**
 * Independent protection with node:crypto, from RFC 5288 §3 / RFC 5246 §6.2.3.3 (1.2) and RFC 8446
 * §5.2-5.3 (1.3).
 */
function nodeProtect(info: TlsCryptoInfo, seq: bigint, rec: Uint8Array): Uint8Array {
  const prefixLen = info.version === '1.2' ? 13 : 5;
  const pt = rec.subarray(prefixLen, rec.length - 16);
  let nonce: Uint8Array, aad: Uint8Array;
  if (info.version === '1.2') {
    nonce = concatBytes(info.iv, rec.subarray(5, 13));
    aad = concatBytes(seqBytes(seq), rec.subarray(0, 3), Uint8Array.of(pt.length >> 8, pt.length & 0xff));
  } else {
    const s = seqBytes(seq);
    nonce = info.iv.map((b, i) => (i < 4 ? b : b ^ (s[i - 4] as number)));
    aad = rec.subarray(0, 5);
  }
  const c = createCipheriv(info.key.length === 16 ? 'aes-128-gcm' : 'aes-256-gcm', info.key, nonce);
  c.setAAD(aad);
  const ct = concatBytes(c.update(pt), c.final());
  return concatBytes(rec.subarray(0, prefixLen), ct, new Uint8Array(c.getAuthTag()));
}

function randomSeq(rng: Prng): bigint {
  const r = rng.int(0, 5);
  if (r === 0) return 0n;
  if (r === 1) return BigInt(rng.int(1, 1000));
  if (r === 2) return 0xffff_ffff_ffff_ffffn;
  return (BigInt(rng.nextU32()) << 32n) | BigInt(rng.nextU32());
}

function randomInfo(rng: Prng, version: TlsVersion): TlsCryptoInfo {
  return { version, key: rng.bytes(rng.pick([16, 32])), iv: rng.bytes(version === '1.2' ? 4 : 12) };
}

/**
 * Split points for a record of n bytes: some random, some deliberately inside the header, the explicit
 * nonce and the tag, and sometimes runs of 1-byte pieces.
 */
function randomPieces(rng: Prng, n: number): number[] {
  if (n <= 400 && rng.chance(0.25)) return Array.from({ length: n }, () => 1);
  const cuts = new Set<number>();
  const k = rng.int(0, 12);
  for (let i = 0; i < k; i++) cuts.add(rng.int(1, Math.max(1, n - 1)));
  if (rng.chance(0.5)) cuts.add(rng.int(1, 4)); // inside the header
  if (rng.chance(0.5)) cuts.add(rng.int(6, 12)); // inside the 1.2 explicit nonce / early payload
  if (rng.chance(0.5)) cuts.add(n - rng.int(1, 15)); // inside the tag
  if (rng.chance(0.3)) { const p = rng.int(1, n - 1); for (let i = 0; i < 20; i++) cuts.add(Math.min(n - 1, p + i)); } // 1-byte run
  const sorted = [...cuts].filter((c) => c > 0 && c < n).sort((a, b) => a - b);
  const pieces: number[] = [];
  let prev = 0;
  for (const c of sorted) { pieces.push(c - prev); prev = c; }
  pieces.push(n - prev);
  if (rng.chance(0.2)) pieces.splice(rng.int(0, pieces.length), 0, 0); // an empty piece is legal
  return pieces;
}

/** Runs a record through the piecewise API, structuredClone-ing the state between pieces. */
function runPieces(
  info: TlsCryptoInfo,
  seq: bigint,
  rec: Uint8Array,
  pieces: number[],
  dir: 'protect' | 'unprotect',
): { out: Uint8Array; st: RecordCryptoState } {
  let st = dir === 'protect' ? startRecordProtection(info, seq) : startRecordUnprotection(info, seq);
  const outs: Uint8Array[] = [];
  let pos = 0;
  for (const len of pieces) {
    st = structuredClone(st);
    const piece = rec.subarray(pos, pos + len);
    outs.push(dir === 'protect' ? protectRecordPiece(info, st, piece) : unprotectRecordPiece(info, st, piece));
    pos += len;
    expect(st.offset).toBe(pos);
  }
  return { out: concatBytes(...outs), st };
}

const SIZES = [0, 1, 15, 16, 17, 255, TLS_MAX_PLAINTEXT, TLS_MAX_PLAINTEXT + 256];

describe(`TLS record protection vs node:crypto (seed ${SEED})`, () => {
  for (const version of ['1.2', '1.3'] as const) {
    for (const keyLen of [16, 32] as const) {
      it(`TLS ${version} AES-${keyLen * 8}-GCM: whole, piecewise, unprotect, forgeries`, () => {
        const rng = createPrng(SEED ^ (version === '1.2' ? 0x12 : 0x13) ^ (keyLen << 8));
        const sizes = [...SIZES, ...Array.from({ length: 150 }, () => (rng.chance(0.5) ? rng.int(0, 100) : rng.int(0, TLS_MAX_PLAINTEXT + 256)))];
        sizes.forEach((size, c) => {
          const info: TlsCryptoInfo = { version, key: rng.bytes(keyLen), iv: rng.bytes(version === '1.2' ? 4 : 12) };
          const seq = randomSeq(rng);
          const type = rng.pick([0x17, 0x16, 0x15]);
          const explicit = rng.chance(0.5) ? seqBytes(seq) : rng.bytes(8);
          const payload = rng.bytes(size);
          const what = `seed ${SEED} TLS ${version} AES-${keyLen * 8} case ${c} (payload ${size}, seq ${seq})`;
          const rec = handFrame(version, type, payload, explicit);
          expectBytes(frameRecord(version, type, payload, version === '1.2' ? explicit : undefined), rec, `${what} frameRecord`);

          const want = nodeProtect(info, seq, rec);
          const got = protectRecord(info, seq, rec);
          expectBytes(got, want, `${what} protectRecord`);

          // Three piecewise runs with different split points must all equal the whole-record result.
          for (let r = 0; r < 3; r++) {
            const pieces = randomPieces(rng, rec.length);
            const { out, st } = runPieces(info, seq, rec, pieces, 'protect');
            expectBytes(out, want, `${what} piecewise run ${r} [${pieces.slice(0, 12).join(',')}${pieces.length > 12 ? ',…' : ''}]`);
            expect(recordComplete(st)).toBe(true);
          }

          // Unprotect inverts, whole and piecewise.
          const plain = unprotectRecord(info, seq, got);
          if (!plain) expect.fail(`${what}: unprotectRecord rejected a genuine record`);
          expectBytes(plain, rec, `${what} unprotectRecord`);
          const rx = runPieces(info, seq, got, randomPieces(rng, got.length), 'unprotect');
          expectBytes(rx.out.subarray(0, rec.length - 16), rec.subarray(0, rec.length - 16), `${what} unprotect pieces`);
          expectBytes(rx.out.subarray(rec.length - 16), got.subarray(rec.length - 16), `${what} RX passes the tag through`);
          expect(recordAuthentic(rx.st)).toBe(true);

          // A flipped tag bit fails, whole and piecewise; so does a flipped payload bit or the wrong sequence.
          const badTag = Uint8Array.from(got);
          badTag[got.length - 1 - rng.int(0, 15)] ^= 1 << rng.int(0, 7);
          expect(unprotectRecord(info, seq, badTag), `${what} flipped tag bit`).toBeNull();
          expect(recordAuthentic(runPieces(info, seq, badTag, randomPieces(rng, got.length), 'unprotect').st)).toBe(false);
          const prefixLen = version === '1.2' ? 13 : 5;
          if (size > 0) {
            const badCt = Uint8Array.from(got);
            badCt[prefixLen + rng.int(0, size - 1)] ^= 0x80;
            expect(unprotectRecord(info, seq, badCt), `${what} flipped payload bit`).toBeNull();
          }
          expect(unprotectRecord(info, seq ^ 1n, got), `${what} wrong sequence number`).toBeNull();
          const badHdr = Uint8Array.from(got);
          badHdr[0] ^= 0x01; // content type is authenticated in both versions (AAD)
          expect(unprotectRecord(info, seq, badHdr), `${what} changed content type`).toBeNull();
        });
      });
    }
  }

  it('structuredClone-ing a mid-record state and continuing both copies gives identical output', () => {
    const rng = createPrng(SEED ^ 0xc1);
    for (let c = 0; c < 40; c++) {
      const version = rng.pick(['1.2', '1.3'] as const);
      const info = randomInfo(rng, version);
      const rec = handFrame(version, 0x17, rng.bytes(rng.int(0, 2000)), rng.bytes(8));
      const cut = rng.int(0, rec.length);
      const st = startRecordProtection(info, 5n);
      const head = protectRecordPiece(info, st, rec.subarray(0, cut));
      const copyA = structuredClone(st), copyB = cloneRecordCryptoState(st);
      const tailA = protectRecordPiece(info, copyA, rec.subarray(cut));
      const tailB = protectRecordPiece(info, copyB, rec.subarray(cut));
      expectBytes(tailA, tailB, `seed ${SEED} case ${c}`);
      expectBytes(concatBytes(head, tailA), protectRecord(info, 5n, rec), `seed ${SEED} case ${c} vs whole`);
      expect(st.offset).toBe(cut); // continuing the copies did not move the original
    }
  });
});

describe('TLS 1.3 RFC 8448 §3 "Simple 1-RTT Handshake" application data records', () => {
  // Wire bytes of the client's and the server's application_data records from RFC 8448 §3; the payload is
  // the 50 bytes 00 01 … 31, inner content type 0x17. The client record is its first under the client
  // application traffic key (seq 0); the server's is its second (seq 1, after the NewSessionTicket).
  const payload = Uint8Array.from({ length: 50 }, (_, i) => i);
  const inner = concatBytes(payload, Uint8Array.of(0x17));
  const vectors = [
    {
      name: 'client application_data (seq 0)', seq: 0n,
      key: '17 42 2d da 59 6e d5 d9 ac d8 90 e3 c6 3f 50 51', iv: '5b 78 92 3d ee 08 57 90 33 e5 23 d9',
      record: `17 03 03 00 43 a2 3f 70 54 b6 2c 94 d0 af fa fe 82 28 ba 55
               cb ef ac ea 42 f9 14 aa 66 bc ab 3f 2b 98 19 a8 a5 b4 6b 39
               5b d5 4a 9a 20 44 1e 2b 62 97 4e 1f 5a 62 92 a2 97 70 14 bd
               1e 3d ea e6 3a ee bb 21 69 49 15 e4`,
    },
    {
      name: 'server application_data (seq 1)', seq: 1n,
      key: '9f 02 28 3b 6c 9c 07 ef c2 6b b9 f2 ac 92 e3 56', iv: 'cf 78 2b 88 dd 83 54 9a ad f1 e9 84',
      record: `17 03 03 00 43 2e 93 7e 11 ef 4a c7 40 e5 38 ad 36 00 5f c4
               a4 69 32 fc 32 25 d0 5f 82 aa 1b 36 e3 0e fa f9 7d 90 e6 df
               fc 60 2d cb 50 1a 59 a8 fc c4 9c 4b f2 e5 f0 a2 1c 00 47 c2
               ab f3 32 54 0d d0 32 e1 67 c2 95 5d`,
    },
  ];
  for (const v of vectors) {
    it(v.name, () => {
      const info: TlsCryptoInfo = { version: '1.3', key: fromHex(v.key), iv: fromHex(v.iv) };
      const wire = fromHex(v.record);
      const framed = handFrame('1.3', 0x17, inner, new Uint8Array(0));
      // The embedded wire bytes are confirmed independently of the model.
      expectBytes(nodeProtect(info, v.seq, framed), wire, 'node:crypto vs RFC 8448');
      expectBytes(protectRecord(info, v.seq, framed), wire, 'protectRecord vs RFC 8448');
      const one = runPieces(info, v.seq, framed, Array.from({ length: framed.length }, () => 1), 'protect');
      expectBytes(one.out, wire, '1-byte pieces vs RFC 8448');
      const plain = unprotectRecord(info, v.seq, wire);
      expect(plain && toHex(plain)).toBe(toHex(framed));
      expect(unprotectRecord(info, v.seq + 1n, wire)).toBeNull();
    });
  }
});

describe('nonce, AAD and framing rules', () => {
  it('recordNonce: 1.2 salt ‖ explicit (default: sequence number, as kTLS writes it); 1.3 iv XOR sequence', () => {
    const salt = fromHex('a0a1a2a3');
    expect(toHex(recordNonce({ version: '1.2', key: new Uint8Array(16), iv: salt }, 0x0102n, fromHex('1112131415161718')))).toBe('a0a1a2a31112131415161718');
    expect(toHex(recordNonce({ version: '1.2', key: new Uint8Array(16), iv: salt }, 0x0102n))).toBe('a0a1a2a30000000000000102');
    const iv = fromHex('000102030405060708090a0b');
    expect(toHex(recordNonce({ version: '1.3', key: new Uint8Array(32), iv }, 0xff00000000000001n))).toBe('00010203fb05060708090a0a');
    expect(() => recordNonce({ version: '1.3', key: new Uint8Array(16), iv: salt }, 0n)).toThrow(/12 bytes/);
  });

  it('recordAad: 1.2 = seq ‖ type ‖ version ‖ plaintext length; 1.3 = header', () => {
    const hdr = fromHex('1703030029'); // length 0x29 = 41 = 8 + 17 + 16
    expect(toHex(recordAad('1.2', 7n, hdr))).toBe('0000000000000007170303' + '0011');
    expect(toHex(recordAad('1.3', 7n, hdr))).toBe('1703030029');
    expect(() => recordAad('1.2', 0n, fromHex('1703030010'))).toThrow(/shorter/);
  });

  it('rejects inconsistent framing and pieces past the record end', () => {
    const info: TlsCryptoInfo = { version: '1.3', key: new Uint8Array(16), iv: new Uint8Array(12) };
    const rec = handFrame('1.3', 0x17, new Uint8Array(10), new Uint8Array(0));
    expect(() => protectRecord(info, 0n, rec.subarray(0, rec.length - 1))).toThrow(/header says/);
    expect(() => protectRecord(info, 0n, fromHex('170303000f' + '00'.repeat(15)))).toThrow(/overhead/);
    expect(() => protectRecord({ ...info, iv: new Uint8Array(4) }, 0n, rec)).toThrow(/iv must be 12/);
    const st = startRecordProtection(info, 0n);
    expect(() => protectRecordPiece(info, st, concatBytes(rec, Uint8Array.of(0)))).toThrow(/past the end/);
    const tx = startRecordProtection(info, 0n);
    expect(() => unprotectRecordPiece(info, tx, rec)).toThrow(/protect/);
    expect(() => startRecordProtection(info, -1n)).toThrow(/range/);
  });
});
