// Proof for models/keylog.ts: RFC 8448 HKDF-Expand-Label values, the TLS 1.2 PRF test vectors from the
// IETF TLS mailing list, independent HMAC re-implementations for cross-checks, and key log parsing.

import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../models/bytes.ts';
import { createPrng } from '../models/prng.ts';
import { hkdfExpandLabel, parseKeylog, tls12KeyBlock, tls12Prf, tls13TrafficKeys } from '../models/keylog.ts';

const SEED = Number(process.env.TLSNIC_SEED ?? 0x4e71);

// --- Independent reference implementations, written straight from the RFC text with node HMAC -------

function refHmac(hash: string, key: Uint8Array, data: Uint8Array): Buffer {
  return createHmac(hash, key).update(data).digest();
}

/** RFC 5869 §2.3 + RFC 8446 §7.1, with Buffer concatenation rather than the model's byte arithmetic. */
function refExpandLabel(hash: 'sha256' | 'sha384', secret: Uint8Array, label: string, context: Uint8Array, length: number): Buffer {
  const fullLabel = Buffer.from('tls13 ' + label, 'ascii');
  const info = Buffer.concat([Buffer.from([length >> 8, length & 0xff, fullLabel.length]), fullLabel, Buffer.from([context.length]), context]);
  let t: Buffer = Buffer.alloc(0);
  let okm = Buffer.alloc(0);
  for (let i = 1; okm.length < length; i++) {
    t = refHmac(hash, secret, Buffer.concat([t, info, Buffer.from([i])]));
    okm = Buffer.concat([okm, t]);
  }
  return okm.subarray(0, length);
}

/** RFC 5246 §5 P_hash. */
function refPrf(hash: string, secret: Uint8Array, label: string, seed: Uint8Array, length: number): Buffer {
  const ls = Buffer.concat([Buffer.from(label, 'ascii'), seed]);
  let a: Buffer = ls;
  let out = Buffer.alloc(0);
  while (out.length < length) {
    a = refHmac(hash, secret, a);
    out = Buffer.concat([out, refHmac(hash, secret, Buffer.concat([a, ls]))]);
  }
  return out.subarray(0, length);
}

// --- RFC 8448 ---------------------------------------------------------------------------------------
// RFC 8448 "Example Handshake Traces for TLS 1.3", §3 "Simple 1-RTT Handshake" (TLS_AES_128_GCM_SHA256):
// the "derive write traffic keys for handshake data" / "... application data" steps and the server
// "finished" key ("calculate finished "tls13 finished"").
const RFC8448 = {
  serverHsSecret: 'b6 7b 7d 69 0c c1 6c 4e 75 e5 42 13 cb 2d 37 b4 e9 c9 12 bc de d9 10 5d 42 be fd 59 d3 91 ad 38',
  serverHsKey: '3f ce 51 60 09 c2 17 27 d0 f2 e4 e8 6e e4 03 bc',
  serverHsIv: '5d 31 3e b2 67 12 76 ee 13 00 0b 30',
  serverFinishedKey: '00 8d 3b 66 f8 16 ea 55 9f 96 b5 37 e8 85 c3 1f c0 68 bf 49 2c 65 2f 01 f2 88 a1 d8 cd c1 9f c8',
  clientHsSecret: 'b3 ed db 12 6e 06 7f 35 a7 80 b3 ab f4 5e 2d 8f 3b 1a 95 07 38 f5 2e 96 00 74 6a 0e 27 a5 5a 21',
  clientHsKey: 'db fa a6 93 d1 76 2c 5b 66 6a f5 d9 50 25 8d 01',
  clientHsIv: '5b d3 c7 1b 83 6e 0b 76 bb 73 26 5f',
  clientApSecret: '9e 40 64 6c e7 9a 7f 9d c0 5a f8 88 9b ce 65 52 87 5a fa 0b 06 df 00 87 f7 92 eb b7 c1 75 04 a5',
  clientApKey: '17 42 2d da 59 6e d5 d9 ac d8 90 e3 c6 3f 50 51',
  clientApIv: '5b 78 92 3d ee 08 57 90 33 e5 23 d9',
  serverApSecret: 'a1 1a f9 f0 55 31 f8 56 ad 47 11 6b 45 a9 50 32 82 04 b4 f4 4b fb 6b 3a 4b 4f 1f 3f cb 63 16 43',
  serverApKey: '9f 02 28 3b 6c 9c 07 ef c2 6b b9 f2 ac 92 e3 56',
  serverApIv: 'cf 78 2b 88 dd 83 54 9a ad f1 e9 84',
};
const hx = (s: string): string => s.replace(/\s/g, '');

describe('TLS 1.3 HKDF-Expand-Label (RFC 8448 §3 Simple 1-RTT Handshake)', () => {
  const cases = [
    ['server handshake', RFC8448.serverHsSecret, RFC8448.serverHsKey, RFC8448.serverHsIv],
    ['client handshake', RFC8448.clientHsSecret, RFC8448.clientHsKey, RFC8448.clientHsIv],
    ['client application', RFC8448.clientApSecret, RFC8448.clientApKey, RFC8448.clientApIv],
    ['server application', RFC8448.serverApSecret, RFC8448.serverApKey, RFC8448.serverApIv],
  ] as const;
  for (const [name, secret, key, iv] of cases) {
    it(`${name} traffic secret → key, iv`, () => {
      const s = fromHex(secret);
      // Embedded vector confirmed by the independent implementation first.
      expect(refExpandLabel('sha256', s, 'key', new Uint8Array(0), 16).toString('hex')).toBe(hx(key));
      expect(refExpandLabel('sha256', s, 'iv', new Uint8Array(0), 12).toString('hex')).toBe(hx(iv));
      const k = tls13TrafficKeys('sha256', s, 16);
      expect(toHex(k.key)).toBe(hx(key));
      expect(toHex(k.iv)).toBe(hx(iv));
    });
  }

  it('server finished key = HKDF-Expand-Label(server hs secret, "finished", "", 32)', () => {
    const s = fromHex(RFC8448.serverHsSecret);
    expect(toHex(hkdfExpandLabel('sha256', s, 'finished', new Uint8Array(0), 32))).toBe(hx(RFC8448.serverFinishedKey));
  });

  it(`matches the independent implementation for sha256/sha384, random secrets, labels, contexts, lengths (seed ${SEED})`, () => {
    const rng = createPrng(SEED);
    for (let i = 0; i < 300; i++) {
      const hash = rng.pick(['sha256', 'sha384'] as const);
      const secret = rng.bytes(hash === 'sha256' ? 32 : 48);
      const label = rng.pick(['key', 'iv', 'finished', 'traffic upd', 'c ap traffic', 'x'.repeat(rng.int(0, 60))]);
      const context = rng.bytes(rng.pick([0, 32, 48, rng.int(0, 255)]));
      const len = rng.pick([12, 16, 32, 48, rng.int(1, 400)]);
      const what = `seed ${SEED} case ${i} (${hash}, label ${JSON.stringify(label)}, ctx ${context.length}, len ${len})`;
      expect(toHex(hkdfExpandLabel(hash, secret, label, context, len)), what).toBe(refExpandLabel(hash, secret, label, context, len).toString('hex'));
    }
    // AES-256 keys from a SHA-384 secret (TLS_AES_256_GCM_SHA384).
    const s384 = createPrng(SEED + 1).bytes(48);
    const k = tls13TrafficKeys('sha384', s384, 32);
    expect(toHex(k.key)).toBe(refExpandLabel('sha384', s384, 'key', new Uint8Array(0), 32).toString('hex'));
    expect(toHex(k.iv)).toBe(refExpandLabel('sha384', s384, 'iv', new Uint8Array(0), 12).toString('hex'));
  });
});

// --- TLS 1.2 PRF ------------------------------------------------------------------------------------
// Test vectors posted to the IETF TLS WG mailing list (https://www.ietf.org/mail-archive/web/tls/current/
// msg03416.html), used by BearSSL, GnuTLS and others: P_SHA256 (100 bytes) and P_SHA384 (148 bytes).
const PRF_SHA256 = {
  secret: '9bbe436ba940f017b17652849a71db35', seed: 'a0ba9f936cda311827a6f796ffd5198c',
  out: 'e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66',
};
const PRF_SHA384 = {
  secret: 'b80b733d6ceefcdc71566ea48e5567df', seed: 'cd665cf6a8447dd6ff8b27555edb7465',
  out: '7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d9184259b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee691c8f3a26854308d5eaa3be85e0990703d73e56f',
};

describe('TLS 1.2 PRF and key block', () => {
  for (const [hash, v, n] of [['sha256', PRF_SHA256, 100], ['sha384', PRF_SHA384, 148]] as const) {
    it(`P_${hash.toUpperCase()} known answer, "test label", ${n} bytes`, () => {
      expect(v.out.length).toBe(2 * n);
      expect(refPrf(hash, fromHex(v.secret), 'test label', fromHex(v.seed), n).toString('hex')).toBe(v.out);
      expect(toHex(tls12Prf(hash, fromHex(v.secret), 'test label', fromHex(v.seed), n))).toBe(v.out);
      // Shorter outputs are prefixes (P_hash is a stream).
      expect(toHex(tls12Prf(hash, fromHex(v.secret), 'test label', fromHex(v.seed), 17))).toBe(v.out.slice(0, 34));
    });
  }

  it(`key block layout for AES-128/256-GCM: client key, server key, client salt, server salt (seed ${SEED})`, () => {
    const rng = createPrng(SEED ^ 0x12);
    for (let i = 0; i < 50; i++) {
      const hash = rng.pick(['sha256', 'sha384'] as const);
      const keyLen = rng.pick([16, 32] as const);
      const master = rng.bytes(48), cr = rng.bytes(32), sr = rng.bytes(32);
      // RFC 5246 §6.3: key_block = PRF(master, "key expansion", server_random + client_random); GCM suites
      // have mac_key_length 0 and fixed_iv_length 4 (RFC 5288 §3).
      const kb = refPrf(hash, master, 'key expansion', Buffer.concat([sr, cr]), 2 * keyLen + 8);
      const got = tls12KeyBlock(hash, master, cr, sr, keyLen);
      const what = `seed ${SEED} case ${i} (${hash}, key ${keyLen})`;
      expect(toHex(got.clientKey), what).toBe(kb.subarray(0, keyLen).toString('hex'));
      expect(toHex(got.serverKey), what).toBe(kb.subarray(keyLen, 2 * keyLen).toString('hex'));
      expect(toHex(got.clientSalt), what).toBe(kb.subarray(2 * keyLen, 2 * keyLen + 4).toString('hex'));
      expect(toHex(got.serverSalt), what).toBe(kb.subarray(2 * keyLen + 4, 2 * keyLen + 8).toString('hex'));
    }
  });
});

// --- Key log parsing -------------------------------------------------------------------------------

describe('parseKeylog', () => {
  const cr1 = 'aa'.repeat(32), cr2 = '0123456789abcdef'.repeat(4);
  const sample = [
    '# SSL/TLS secrets log file, generated by OpenSSL',
    '',
    `CLIENT_RANDOM ${cr1} ${'11'.repeat(48)}`,
    `SERVER_HANDSHAKE_TRAFFIC_SECRET ${cr2} ${hx(RFC8448.serverHsSecret)}`,
    `CLIENT_HANDSHAKE_TRAFFIC_SECRET ${cr2} ${hx(RFC8448.clientHsSecret)}\r`,
    '   ',
    `CLIENT_TRAFFIC_SECRET_0 ${cr2.toUpperCase()} ${hx(RFC8448.clientApSecret)}`,
    `SERVER_TRAFFIC_SECRET_0   ${cr2}\t${hx(RFC8448.serverApSecret)}`,
    `EXPORTER_SECRET ${cr2} ${'22'.repeat(32)}`,
    'RSA 0102030405060708 ' + '33'.repeat(48),
  ].join('\n');

  it('reads CLIENT_RANDOM and TLS 1.3 labels, skipping comments, blank lines and RSA lines', () => {
    const e = parseKeylog(sample);
    expect(e.map((x) => x.label)).toEqual([
      'CLIENT_RANDOM', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_HANDSHAKE_TRAFFIC_SECRET',
      'CLIENT_TRAFFIC_SECRET_0', 'SERVER_TRAFFIC_SECRET_0', 'EXPORTER_SECRET',
    ]);
    expect(toHex(e[0]!.clientRandom)).toBe(cr1);
    expect(e[0]!.secret.length).toBe(48);
    expect(toHex(e[3]!.clientRandom)).toBe(cr2);
    // The parsed secrets feed straight into key derivation.
    expect(toHex(tls13TrafficKeys('sha256', e[1]!.secret, 16).key)).toBe(hx(RFC8448.serverHsKey));
    expect(toHex(tls13TrafficKeys('sha256', e[4]!.secret, 16).iv)).toBe(hx(RFC8448.serverApIv));
    expect(parseKeylog('')).toEqual([]);
  });

  const bad: [string, RegExp][] = [
    [`CLIENT_RANDOM ${cr1}`, /line 2: expected "LABEL <client_random> <secret>", got 2 field/],
    [`CLIENT_RANDOM ${cr1} ${'11'.repeat(48)} extra`, /line 2: .*got 4 field/],
    [`CLIENT_RANDOM ${'aa'.repeat(31)} ${'11'.repeat(48)}`, /line 2: client random must be 64 hex digits/],
    [`CLIENT_RANDOM ${'zz'.repeat(32)} ${'11'.repeat(48)}`, /line 2: client random/],
    [`CLIENT_RANDOM ${cr1} ${'1'.repeat(95)}`, /line 2: secret is not even-length hex/],
    [`client_random ${cr1} ${'11'.repeat(48)}`, /line 2: malformed label/],
  ];
  for (const [line, err] of bad) {
    it(`throws a clear error on ${JSON.stringify(line.slice(0, 40))}…`, () => {
      expect(() => parseKeylog(`# header\n${line}\n`)).toThrow(err);
    });
  }
});
