// CTR seek (models/ctr-seek.ts) against Node's own AES-GCM: a whole record is protected by
// `node:crypto` (nonce and AAD built here from RFC 5288 / RFC 8446, not by the model), then every
// slice the model protects on its own, from any offset, must equal that slice of the reference.
import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seekProtect, type SeekRecord } from '../models/ctr-seek.ts';
import { createPrng } from '../models/prng.ts';
import { frameRecord, type TlsCryptoInfo, type TlsVersion } from '../models/tls-record.ts';

/** The protected record by node:crypto: header ‖ [explicit nonce] ‖ ciphertext ‖ tag. */
function reference(info: TlsCryptoInfo, seq: bigint, framed: Uint8Array): Uint8Array {
  const seqBytes = Buffer.alloc(8);
  seqBytes.writeBigUInt64BE(seq);
  const pre = info.version === '1.2' ? 13 : 5;
  const payload = framed.subarray(pre, framed.length - 16);
  let nonce: Buffer;
  let aad: Buffer;
  if (info.version === '1.2') {
    nonce = Buffer.concat([Buffer.from(info.iv), Buffer.from(framed.subarray(5, 13))]);
    aad = Buffer.concat([seqBytes, Buffer.from(framed.subarray(0, 3)), Buffer.from([payload.length >> 8, payload.length & 0xff])]);
  } else {
    nonce = Buffer.from(info.iv);
    for (let i = 0; i < 8; i++) nonce[4 + i] ^= seqBytes[i]!;
    aad = Buffer.from(framed.subarray(0, 5));
  }
  const c = createCipheriv(info.key.length === 16 ? 'aes-128-gcm' : 'aes-256-gcm', info.key, nonce);
  c.setAAD(aad);
  const ct = Buffer.concat([c.update(payload), c.final()]);
  return new Uint8Array(Buffer.concat([Buffer.from(framed.subarray(0, pre)), ct, c.getAuthTag()]));
}

describe('CTR seek', () => {
  const cases: [TlsVersion, number, number][] = [['1.2', 16, 1], ['1.3', 16, 2], ['1.2', 32, 3], ['1.3', 32, 4]];
  for (const [version, keyLen, seed] of cases) {
    it(`TLS ${version} AES-${keyLen * 8}: any slice from any offset equals node:crypto's record (seed ${seed})`, () => {
      const prng = createPrng(seed);
      const info: TlsCryptoInfo = { version, key: new Uint8Array(randomBytes(keyLen)), iv: new Uint8Array(randomBytes(version === '1.2' ? 4 : 12)) };
      for (const size of [0, 1, 15, 16, 17, 1000, 16384]) {
        const seq = BigInt(prng.int(0, 1 << 30)) * 1000n;
        const explicit = new Uint8Array(randomBytes(8));
        const framed = frameRecord(version, 23, new Uint8Array(randomBytes(size)), version === '1.2' ? explicit : undefined);
        const want = reference(info, seq, framed);
        const rec: SeekRecord = { recordSeq: seq, explicitNonce: explicit, header: framed.slice(0, 5), tag: want.slice(want.length - 16) };
        const slices: [number, number][] = [[0, framed.length], [framed.length - 16, 16], [framed.length - 1, 1]];
        for (let k = 0; k < 40; k++) {
          const a = prng.int(0, framed.length - 1);
          slices.push([a, prng.int(1, framed.length - a)]);
        }
        for (const [a, n] of slices) {
          const r = seekProtect(info, rec, a, framed.subarray(a, a + n));
          if (!r.ok) expect.fail(`size ${size}, bytes ${a}+${n}: ${r.reason}`);
          expect(Buffer.from(r.out).equals(Buffer.from(want.subarray(a, a + n))), `size ${size}, bytes ${a}+${n}`).toBe(true);
          // Without the tag: slices clear of the tag still work, slices with a tag byte are refused.
          const nt = seekProtect(info, { ...rec, tag: undefined }, a, framed.subarray(a, a + n));
          expect(nt.ok, `size ${size}, bytes ${a}+${n} without a tag`).toBe(a + n <= framed.length - 16);
        }
      }
    });
  }

  it('refuses a piece whose header bytes or explicit nonce contradict the descriptor, or that runs past the record', () => {
    const info: TlsCryptoInfo = { version: '1.2', key: new Uint8Array(16).fill(7), iv: new Uint8Array(4).fill(1) };
    const explicit = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
    const framed = frameRecord('1.2', 23, new Uint8Array(100), explicit);
    const rec: SeekRecord = { recordSeq: 5n, explicitNonce: explicit, header: framed.slice(0, 5), tag: new Uint8Array(16) };
    expect(seekProtect(info, rec, 0, framed).ok).toBe(true);
    const bad = framed.slice();
    bad[4] ^= 1;
    expect(seekProtect(info, rec, 2, bad.subarray(2, 10))).toEqual({ ok: false, reason: "header byte 4 differs from the descriptor's" });
    const badNonce = framed.slice();
    badNonce[9] ^= 1;
    expect(seekProtect(info, rec, 6, badNonce.subarray(6, 20))).toEqual({ ok: false, reason: "explicit nonce byte 4 differs from the descriptor's" });
    expect(seekProtect(info, rec, 100, framed.subarray(100)).ok).toBe(true);
    expect(seekProtect(info, rec, 100, new Uint8Array(framed.length - 99)).ok).toBe(false);
  });
});
