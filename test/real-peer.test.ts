// The golden model against a real OpenSSL peer: node:tls client and server over loopback with
// a relay in between (harness/peer/tls-peer.ts). After the handshake the test takes over the client's
// transmit direction and plays kTLS + NIC: the framer frames an application stream with dummy
// tags, the model encrypts each record piece by piece, and the pieces go to the real server in
// many small TCP writes. The real server must deliver exactly the plaintext, must reject a
// record with a corrupted tag, and the model must decrypt what the real server sends.
//
// Seeds: TLSNIC_SEED=<n> reruns with another base seed; each test prints the seed it used.

import { describe, expect, it } from 'vitest';
import { createFramerState, frameNext, type TlsRecord } from '../models/framer.ts';
import { createPrng, type Prng } from '../models/prng.ts';
import { bytesEqual, concatBytes, firstDifference } from '../models/bytes.ts';
import {
  TLS12_EXPLICIT_NONCE_LEN,
  TLS_HEADER_LEN,
  TLS_TAG_LEN,
  protectRecord,
  protectRecordPiece,
  startRecordProtection,
  type TlsCryptoInfo,
} from '../models/tls-record.ts';
import {
  TLS_PEER_SUITES,
  decryptStream,
  nextApplicationSeq,
  openTlsPeerSession,
  sessionKeys,
  type TlsPeerSession,
  type TlsPeerSuite,
} from '../harness/peer/tls-peer.ts';
import { TLS_CONTENT_TYPE, TLS_HANDSHAKE_TYPE, parseHandshakeMessages } from '../harness/peer/tls-handshake.ts';

const BASE_SEED = Number(process.env.TLSNIC_SEED ?? 20241122);
const SUITES: readonly TlsPeerSuite[] = Object.values(TLS_PEER_SUITES);

function seedFor(suiteIndex: number, testIndex: number): number {
  return (BASE_SEED + suiteIndex * 101 + testIndex * 7) >>> 0;
}

// An application byte stream cut into writes the way an application might issue them: some
// writes larger than a record (so the framer emits full 16384-byte records), some tiny.
function applicationWrites(prng: Prng, total: number): Uint8Array[] {
  // A fixed opening so every seed covers 1-byte records, exact 16384-byte records and
  // multi-record writes; the rest is random.
  const writes: Uint8Array[] = [1, 16384, 2, 2 * 16384 + 7, 63, 16384].map((len) => prng.bytes(len));
  let n = writes.reduce((a, w) => a + w.length, 0);
  while (n < total) {
    const kind = prng.int(0, 9);
    const size =
      kind < 3 ? prng.int(1, 64) // small records
      : kind < 6 ? prng.int(65, 8000)
      : kind < 8 ? 16384 // exactly one full record
      : prng.int(16385, 50_000); // full records plus a remainder
    const len = Math.min(size, total - n);
    writes.push(prng.bytes(len));
    n += len;
  }
  return writes;
}

// Cut points inside one record: random piece sizes (many 1-3 bytes), plus forced cuts inside
// the header, inside the TLS 1.2 explicit nonce / first payload bytes, and inside the tag.
function pieceBoundaries(prng: Prng, rec: Uint8Array, version: '1.2' | '1.3'): number[] {
  const cuts = new Set<number>();
  const prefix = version === '1.2' ? TLS_HEADER_LEN + TLS12_EXPLICIT_NONCE_LEN : TLS_HEADER_LEN;
  if (prng.chance(0.5)) cuts.add(prng.int(1, TLS_HEADER_LEN - 1));
  if (prng.chance(0.5)) cuts.add(prng.int(TLS_HEADER_LEN, Math.min(prefix + 3, rec.length - 1)));
  if (prng.chance(0.5)) cuts.add(prng.int(rec.length - TLS_TAG_LEN, rec.length - 1));
  for (let pos = 0; ; ) {
    const kind = prng.int(0, 9);
    pos += kind < 3 ? prng.int(1, 3) : kind < 5 ? prng.int(4, 40) : prng.int(41, 6000);
    if (pos >= rec.length) break;
    cuts.add(pos);
  }
  return [0, ...[...cuts].filter((c) => c > 0 && c < rec.length).sort((a, b) => a - b), rec.length];
}

type ProtectedPieces = { pieces: Uint8Array[]; onePieceSizes: number; splitTags: number };

// kTLS + NIC transmit for one record: encrypt piece by piece with the model, and check the
// pieces add up to the whole-record protection (same model, other API).
function protectInPieces(prng: Prng, info: TlsCryptoInfo, rec: TlsRecord): ProtectedPieces {
  const st = startRecordProtection(info, rec.recordSeq);
  const cuts = pieceBoundaries(prng, rec.bytes, info.version);
  const pieces: Uint8Array[] = [];
  let onePieceSizes = 0;
  let splitTags = 0;
  for (let i = 0; i + 1 < cuts.length; i++) {
    const piece = rec.bytes.subarray(cuts[i], cuts[i + 1]);
    if (piece.length === 1) onePieceSizes++;
    if (cuts[i] > rec.bytes.length - TLS_TAG_LEN) splitTags++;
    pieces.push(protectRecordPiece(info, st, piece));
  }
  const whole = protectRecord(info, rec.recordSeq, rec.bytes);
  expect(bytesEqual(concatBytes(...pieces), whole), `record ${rec.recordSeq}: pieces differ from whole-record protection`).toBe(true);
  return { pieces, onePieceSizes, splitTags };
}

// Frames `writes` as the client's kTLS would from its next record sequence number on.
// TLS 1.2 explicit nonces start at a random value (as OpenSSL's do), so nothing may confuse
// them with the sequence number.
function frameClientStream(prng: Prng, session: TlsPeerSession, firstSeq: bigint, writes: Uint8Array[]): TlsRecord[] {
  const cfg = {
    version: session.suite.version,
    maxPlaintext: 16384,
    explicitNonceStart: session.suite.version === '1.2' ? BigInt.asUintN(64, (BigInt(prng.nextU32()) << 32n) | BigInt(prng.nextU32())) : undefined,
  };
  const st = createFramerState(cfg, { recordSeq: firstSeq, tcpSeq: session.takeoverOffset() ?? 0 });
  return writes.flatMap((w) => frameNext(st, w));
}

async function takeOver(session: TlsPeerSession): Promise<{ info: TlsCryptoInfo; firstSeq: bigint }> {
  session.takeOverClientToServer();
  const keys = sessionKeys(session);
  const firstSeq = nextApplicationSeq(session, keys, 'c2s');
  // The client's Finished: under the handshake key in 1.3 (so application data starts at 0),
  // under the key block at sequence 0 in 1.2 (so application data starts at 1).
  expect(firstSeq).toBe(session.suite.version === '1.3' ? 0n : 1n);
  return { info: keys.client.application, firstSeq };
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

describe.each(SUITES.map((suite, i) => ({ suite, i, name: suite.name })))('real OpenSSL peer, $name', ({ suite, i }) => {
  it(`server accepts model-encrypted records written piece by piece (seed ${seedFor(i, 0)})`, async () => {
    const seed = seedFor(i, 0);
    console.log(`[real-peer] ${suite.name} piecewise TX: seed ${seed}`);
    const prng = createPrng(seed);
    const session = await openTlsPeerSession(suite);
    try {
      expect(session.negotiated).toMatchObject({ cipherSuite: suite.code, version: suite.version, standardName: suite.name });
      expect(session.negotiated.protocol).toBe(suite.version === '1.3' ? 'TLSv1.3' : 'TLSv1.2');
      expect(new Set(session.keylog.client)).toEqual(new Set(session.keylog.server));

      const { info, firstSeq } = await takeOver(session);
      const writes = applicationWrites(prng, 300_000);
      const data = concatBytes(...writes);
      const records = frameClientStream(prng, session, firstSeq, writes);
      const full = records.filter((r) => r.plaintextLength === 16384).length;
      const small = records.filter((r) => r.plaintextLength <= 64).length;
      expect(full).toBeGreaterThanOrEqual(4);
      expect(small).toBeGreaterThanOrEqual(3);

      let tcpWrites = 0;
      let onePieces = 0;
      let splitTags = 0;
      for (const rec of records) {
        const p = protectInPieces(prng, info, rec);
        onePieces += p.onePieceSizes;
        splitTags += p.splitTags;
        for (const piece of p.pieces) {
          await session.inject(piece);
          tcpWrites++;
        }
      }
      expect(onePieces).toBeGreaterThan(10);
      expect(splitTags).toBeGreaterThan(3);
      await session.waitFor(`server to deliver ${data.length} bytes`, () => session.serverReceived().length >= data.length || session.serverErrors.length > 0);

      const got = session.serverReceived();
      expect(session.serverErrors.map((e) => e.message)).toEqual([]);
      expect(got.length).toBe(data.length);
      expect(firstDifference(got, data), 'first byte where the server delivered something else').toBe(-1);
      // The real client stayed silent after the takeover: nothing of its own was dropped.
      expect(session.dropped).toEqual([]);
      console.log(
        `[real-peer] ${suite.name}: ${records.length} records (${full} full, ${small} ≤64 B) from seq ${firstSeq}, ` +
          `${data.length} B in ${tcpWrites} TCP writes (${onePieces} 1-byte pieces, ${splitTags} tag splits)`,
      );
    } finally {
      await session.close();
    }
  });

  it(`server rejects a record with one flipped tag bit and does not deliver it (seed ${seedFor(i, 1)})`, async () => {
    const seed = seedFor(i, 1);
    console.log(`[real-peer] ${suite.name} corrupted tag: seed ${seed}`);
    const prng = createPrng(seed);
    const session = await openTlsPeerSession(suite);
    try {
      const { info, firstSeq } = await takeOver(session);
      const writes = Array.from({ length: 8 }, () => prng.bytes(prng.int(1, 3000)));
      const records = frameClientStream(prng, session, firstSeq, writes);
      const bad = prng.int(1, records.length - 2); // good records before and after it
      const goodBefore = concatBytes(...writes.slice(0, bad));
      const wire = records.map((r) => protectRecord(info, r.recordSeq, r.bytes));
      const tagBit = prng.int(0, TLS_TAG_LEN * 8 - 1);
      const corrupted = Uint8Array.from(wire[bad]);
      corrupted[corrupted.length - TLS_TAG_LEN + (tagBit >> 3)] ^= 1 << (tagBit & 7);
      console.log(`[real-peer] ${suite.name}: flipping tag bit ${tagBit} of record ${bad} (seq ${records[bad].recordSeq}) of ${records.length}`);

      for (const w of wire.slice(0, bad)) await session.inject(w);
      await session.waitFor('the good records before the bad one', () => session.serverReceived().length >= goodBefore.length);
      expect(bytesEqual(session.serverReceived(), goodBefore)).toBe(true);

      await session.inject(corrupted);
      for (const w of wire.slice(bad + 1)) {
        // The server may already have torn the connection down.
        await session.inject(w).catch(() => undefined);
      }
      // node:tls reports a record-layer failure after the handshake as an 'error' event and
      // leaves closing to the application; OpenSSL has already sent its fatal alert.
      await session.waitFor('the server to fail the connection', () => session.serverErrors.length > 0);
      // Give anything the server might still (wrongly) deliver time to show up.
      await new Promise((r) => setTimeout(r, 200));

      // 1.3 reports "decryption failed or bad record mac"; 1.2 surfaces the provider's
      // "cipher operation failed" (the GCM tag check) first in the error queue.
      expect(session.serverErrors.map((e) => e.message).join('\n')).toMatch(/bad record mac|cipher operation failed/i);
      // Nothing of the corrupted record (nor of anything after it) reached the application.
      expect(session.serverReceived().length).toBe(goodBefore.length);
      expect(bytesEqual(session.serverReceived(), goodBefore)).toBe(true);

      // The server said why: a bad_record_mac (20) alert. OpenSSL sends it protected under the
      // server's application key in 1.3 and 1.2 alike, so the model must decrypt it.
      await session.waitFor('the alert to reach the client', () => session.clientErrors.length > 0 || session.events.includes('client close'));
      const keys = sessionKeys(session);
      const s2c = decryptStream(suite.version, keys.server, session.stream('s2c'), 's2c');
      const alert = s2c.protected.at(-1);
      expect(alert?.contentType).toBe(TLS_CONTENT_TYPE.alert);
      expect(alert && hex(alert.content)).toBe('0214'); // fatal, bad_record_mac
    } finally {
      await session.close();
    }
  });

  it(`model decrypts what the real server sent (seed ${seedFor(i, 2)})`, async () => {
    const seed = seedFor(i, 2);
    console.log(`[real-peer] ${suite.name} RX decrypt: seed ${seed}`);
    const prng = createPrng(seed);
    const session = await openTlsPeerSession(suite);
    try {
      const writes = Array.from({ length: prng.int(4, 8) }, () => prng.bytes(prng.int(1, 20_000)));
      const sent = concatBytes(...writes);
      for (const w of writes) await session.serverWrite(w);
      await session.waitFor('the client to receive everything', () => session.clientReceived().length >= sent.length);
      // TLS 1.3: wait for both NewSessionTickets so the record layout is complete.
      const tickets = suite.version === '1.3' ? 2 : 1;
      await session.waitFor(`${tickets} session ticket(s)`, () => session.clientSessionTickets() >= tickets);
      expect(bytesEqual(session.clientReceived(), sent)).toBe(true);

      const keys = sessionKeys(session);
      const stream = session.stream('s2c');
      const s2c = decryptStream(suite.version, keys.server, stream, 's2c');
      expect(s2c.end).toBe(stream.length);
      const app = s2c.protected.filter((r) => r.epoch === 'application');
      const data = app.filter((r) => r.contentType === TLS_CONTENT_TYPE.applicationData);
      const other = app.filter((r) => r.contentType !== TLS_CONTENT_TYPE.applicationData);
      // Consecutive sequence numbers, whatever the content type.
      expect(app.map((r) => r.recordSeq)).toEqual(app.map((_, k) => BigInt(k)));
      expect(firstDifference(concatBytes(...data.map((r) => r.content)), sent)).toBe(-1);

      const handshakeTypes = other.map((r) => {
        expect(r.contentType).toBe(TLS_CONTENT_TYPE.handshake);
        const { messages, rest } = parseHandshakeMessages(r.content);
        expect(rest.length).toBe(0);
        return messages.map((m) => m.type);
      });
      if (suite.version === '1.3') {
        // Handshake epoch: EncryptedExtensions, Certificate, CertificateVerify, Finished.
        const hs = s2c.protected.filter((r) => r.epoch === 'handshake');
        const hsTypes = hs.flatMap((r) => parseHandshakeMessages(r.content).messages.map((m) => m.type));
        expect(hsTypes).toEqual([
          TLS_HANDSHAKE_TYPE.encryptedExtensions,
          TLS_HANDSHAKE_TYPE.certificate,
          TLS_HANDSHAKE_TYPE.certificateVerify,
          TLS_HANDSHAKE_TYPE.finished,
        ]);
        // Under the application key: exactly two NewSessionTickets, somewhere among the data.
        expect(handshakeTypes).toEqual([[TLS_HANDSHAKE_TYPE.newSessionTicket], [TLS_HANDSHAKE_TYPE.newSessionTicket]]);
      } else {
        // 1.2: the server's Finished is record 0 under the key block; data starts at 1.
        expect(app[0].contentType).toBe(TLS_CONTENT_TYPE.handshake);
        expect(handshakeTypes).toEqual([[TLS_HANDSHAKE_TYPE.finished]]);
        expect(app[0].content.length).toBe(4 + 12);
        // OpenSSL's explicit nonces: a random start, then +1 per record; unrelated to the sequence number.
        const nonces = app.map((r) => r.explicitNonce ?? -1n);
        expect(nonces.map((n) => BigInt.asUintN(64, n - nonces[0]))).toEqual(app.map((r) => r.recordSeq));
      }
      // The other direction too: what the real client's own TLS stack wrote.
      const fromClient = prng.bytes(prng.int(1, 40_000));
      await session.clientWrite(fromClient);
      await session.waitFor('the server to receive the client data', () => session.serverReceived().length >= fromClient.length);
      const c2s = decryptStream(suite.version, keys.client, session.stream('c2s'), 'c2s');
      const c2sData = c2s.protected.filter((r) => r.contentType === TLS_CONTENT_TYPE.applicationData);
      expect(c2sData[0]?.recordSeq).toBe(suite.version === '1.3' ? 0n : 1n);
      expect(firstDifference(concatBytes(...c2sData.map((r) => r.content)), fromClient)).toBe(-1);

      const layout = app.map((r) => `${r.recordSeq}:${r.contentType === 23 ? `data ${r.content.length}` : `hs ${r.content[0]}`}`);
      console.log(`[real-peer] ${suite.name} server application-key records: ${layout.join(', ')}`);
    } finally {
      await session.close();
    }
  });
});
