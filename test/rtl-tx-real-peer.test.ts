// The outside check of the RTL TX engine: a real OpenSSL peer (node:tls over loopback, through
// the recording relay of harness/peer/tls-peer.ts) must accept what the engine sends. After the
// handshake the test plays kTLS + driver: it frames an application stream with dummy tags,
// cuts it into TCP segments (some retransmitted, which the driver serves with resync loads),
// runs everything through the Verilator-built engine, takes the TCP payload of the engine's
// output packets in sequence order and writes it to the real server, which must deliver exactly
// the plaintext. The engine's packets and counters must also equal the golden model's.
import { describe, expect, it } from 'vitest';
import { compareTxRun, runTxModel } from '../harness/tx/compare.ts';
import { buildTxEngineSim, runTxEngine } from '../harness/tx/sim.ts';
import { TLS_PEER_SUITES, nextApplicationSeq, openTlsPeerSession, sessionKeys, type TlsPeerSuite } from '../harness/peer/tls-peer.ts';
import { concatBytes, firstDifference } from '../models/bytes.ts';
import { driverTxAdd, driverTxSegment } from '../models/driver-tx.ts';
import { createFramerState, frameNext } from '../models/framer.ts';
import { buildTcpPacket, isParseError, parseTcpPacket, tcpChecksumOk, TcpFlag } from '../models/packet.ts';
import { createPrng } from '../models/prng.ts';
import { appendRecord, createRecordList } from '../models/record-list.ts';
import { seqAdd, seqDiff } from '../models/tcp-seq.ts';
import type { TxFrame } from '../models/tx-frames.ts';

const WIDTH = 512;
const N_CTX = 16;
const CTX = 5;
const BASE_SEED = Number(process.env.TLSNIC_SEED ?? 4242);

describe.each(Object.values(TLS_PEER_SUITES).map((suite, i) => ({ suite, i, name: suite.name })))(
  'RTL TX engine output accepted by a real OpenSSL peer: $name',
  ({ suite, i }: { suite: TlsPeerSuite; i: number }) => {
    it('server delivers the plaintext of the engine-encrypted stream', async () => {
      const seed = BASE_SEED + i;
      console.log(`[rtl-tx-real-peer] ${suite.name}: seed ${seed}`);
      const prng = createPrng(seed);
      const binary = await buildTxEngineSim({ width: WIDTH, nCtx: N_CTX });
      const session = await openTlsPeerSession(suite);
      try {
        session.takeOverClientToServer();
        const keys = sessionKeys(session);
        const firstSeq = nextApplicationSeq(session, keys, 'c2s');
        const info = keys.client.application;

        // Host side: records framed by kTLS (plaintext + dummy tag) at a random TCP sequence.
        const isn = prng.nextU32();
        const framer = createFramerState(
          { version: info.version, maxPlaintext: 16384, explicitNonceStart: info.version === '1.2' ? BigInt(prng.nextU32()) << 20n : undefined },
          { recordSeq: firstSeq, tcpSeq: isn },
        );
        const writes = [1, 16384, 5000, 37, 16384 + 300, 2000, 9000].map((n) => prng.bytes(n));
        const records = writes.flatMap((w) => frameNext(framer, w));
        const stream = concatBytes(...records.map((r) => r.bytes));
        const list = createRecordList();
        for (const r of records) appendRecord(list, r);

        const segment = (off: number, len: number) =>
          buildTcpPacket({
            eth: { dst: Uint8Array.of(2, 0, 0, 0, 0, 1), src: Uint8Array.of(2, 0, 0, 0, 0, 2) },
            ip: { version: 4, src: Uint8Array.of(10, 0, 0, 1), dst: Uint8Array.of(10, 0, 0, 2), dscpEcn: 0, id: off & 0xffff, flags: 2, fragOffset: 0, ttl: 64, options: new Uint8Array(0) },
            tcp: { srcPort: 40000 + i, dstPort: 443, seq: seqAdd(isn, off), ack: 1, flags: TcpFlag.ACK | TcpFlag.PSH, window: 512, urgent: 0, options: new Uint8Array(0) },
            payload: stream.subarray(off, off + len),
          });

        // Driver side: install, then every segment; every fifth segment is also retransmitted
        // later, coalesced with its neighbour, which the driver serves with a resync load.
        const { conn, frame: install } = driverTxAdd(
          { ctxId: CTX, version: info.version, key: info.key, iv: info.iv, recordSeq: firstSeq, startOffloadTcpSn: isn },
          list,
        );
        const frames: TxFrame[] = [install];
        const retransmit: [number, number][] = [];
        for (let off = 0, n = 0; off < stream.length; n++) {
          const len = Math.min(prng.int(1, 1460), stream.length - off);
          frames.push(...driverTxSegment(conn, segment(off, len), seqAdd(isn, off), len));
          if (n % 5 === 2) retransmit.push([off, Math.min(len + prng.int(0, 900), stream.length - off)]);
          if (retransmit.length > 0 && n % 5 === 4) {
            const [ro, rl] = retransmit.shift() as [number, number];
            frames.push(...driverTxSegment(conn, segment(ro, rl), seqAdd(isn, ro), rl));
          }
          off += len;
        }
        expect(frames.filter((f) => f.user.kind === 2).length).toBeGreaterThan(3);

        const rtl = await runTxEngine(binary, frames, { seed, gapPermille: 50, stallPermille: 100 });
        const model = runTxModel(frames, { nCtx: N_CTX });
        const mismatch = compareTxRun(model.outputs, model.counters, rtl, model.completions);
        expect(mismatch?.message ?? null, `seed ${seed}`).toBeNull();
        expect(rtl.counters.tx_tls_resync_bytes).toBeGreaterThan(0);

        // The wire stream: each TCP byte the first time it was sent; later copies must agree.
        const wire = new Uint8Array(stream.length);
        const seen = new Uint8Array(stream.length);
        for (const p of rtl.packets) {
          expect(tcpChecksumOk(p.data)).toBe(true);
          const parsed = parseTcpPacket(p.data);
          if (isParseError(parsed)) throw new Error(parsed.detail);
          const off = seqDiff(parsed.seq, isn);
          for (let k = 0; k < parsed.payloadLength; k++) {
            const b = p.data[parsed.payloadOffset + k];
            if (seen[off + k]) expect(b, `retransmitted byte ${off + k}`).toBe(wire[off + k]);
            wire[off + k] = b;
            seen[off + k] = 1;
          }
        }
        expect(seen.indexOf(0)).toBe(-1);
        for (let off = 0; off < wire.length; ) {
          const n = Math.min(prng.int(1, 4000), wire.length - off);
          await session.inject(wire.subarray(off, off + n));
          off += n;
        }
        const plain = concatBytes(...writes);
        await session.waitFor('server to deliver the plaintext', () => session.serverReceived().length >= plain.length || session.serverErrors.length > 0);
        expect(session.serverErrors.map((e) => e.message)).toEqual([]);
        expect(firstDifference(session.serverReceived(), plain)).toBe(-1);
      } finally {
        await session.close();
      }
    });
  },
);
