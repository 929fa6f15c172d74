// Retransmission without prefix replay (issue 17) against a real OpenSSL peer: as
// test/rtl-tx-real-peer.test.ts, but the driver posts every retransmission as a SEEK descriptor
// (with the tag the engine reported on its completion stream, fed back frame by frame by a golden
// model beside the driver). The frames then run through the RTL engine (W = 128), which must send
// the model's packets and completions, and the peer reads what the RTL sent. The wire stream the
// server reads takes each byte from its LAST copy, so the retransmitted, side-context-encrypted
// packets are what the peer decrypts and authenticates wherever they overlap the originals.
import { beforeAll, describe, expect, it } from 'vitest';
import { compareTxRun, runTxModel } from '../harness/tx/compare.ts';
import { buildTxEngineSim, runTxEngine } from '../harness/tx/sim.ts';
import { TLS_PEER_SUITES, nextApplicationSeq, openTlsPeerSession, sessionKeys, type TlsPeerSuite } from '../harness/peer/tls-peer.ts';
import { concatBytes, firstDifference } from '../models/bytes.ts';
import { driverTxAdd, driverTxComplete, driverTxSegment } from '../models/driver-tx.ts';
import { createNicTx, nicTxStep } from '../models/nic-tx.ts';
import { createFramerState, frameNext } from '../models/framer.ts';
import { buildTcpPacket, isParseError, parseTcpPacket, tcpChecksumOk, TcpFlag } from '../models/packet.ts';
import { createPrng } from '../models/prng.ts';
import { appendRecord, createRecordList } from '../models/record-list.ts';
import { seqAdd, seqDiff } from '../models/tcp-seq.ts';
import type { TxFrame } from '../models/tx-frames.ts';

const N_CTX = 16;
const CTX = 5;
const BASE_SEED = Number(process.env.TLSNIC_SEED ?? 4242);

let bin: string;
beforeAll(async () => {
  bin = await buildTxEngineSim({ width: 128, nCtx: N_CTX, maxFrame: 9600 });
}, 1_800_000);

describe.each(Object.values(TLS_PEER_SUITES).map((suite, i) => ({ suite, i, name: suite.name })))(
  'SEEK retransmissions through the RTL, accepted by a real OpenSSL peer: $name',
  ({ suite, i }: { suite: TlsPeerSuite; i: number }) => {
    it('server delivers the plaintext of the engine-encrypted stream', async () => {
      const seed = BASE_SEED + i;
      console.log(`[tx-rexmit-peer] ${suite.name}: seed ${seed}`);
      const prng = createPrng(seed);
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

        // Driver side (seek mode): install, then every segment; every fifth segment is also
        // retransmitted later, coalesced with its neighbour, behind a SEEK descriptor. The engine
        // runs beside the driver and its completions (tags) go back to the driver at once.
        const { conn, frame: install } = driverTxAdd(
          { ctxId: CTX, version: info.version, key: info.key, iv: info.iv, recordSeq: firstSeq, startOffloadTcpSn: isn },
          list,
          'seek',
        );
        const nic = createNicTx({ nCtx: N_CTX });
        const frames: TxFrame[] = [];
        const post = (fs: TxFrame[]) => {
          for (const f of fs) {
            frames.push(f);
            const r = nicTxStep(nic, f);
            for (const c of r.completions ?? []) driverTxComplete(conn, c.recordSeq, c.tag);
          }
        };
        post([install]);
        const retransmit: [number, number][] = [];
        for (let off = 0, n = 0; off < stream.length; n++) {
          const len = Math.min(prng.int(1, 1460), stream.length - off);
          post(driverTxSegment(conn, segment(off, len), seqAdd(isn, off), len));
          if (n % 5 === 2) retransmit.push([off, Math.min(len + prng.int(0, 900), stream.length - off)]);
          if (retransmit.length > 0 && n % 5 === 4) {
            const [ro, rl] = retransmit.shift() as [number, number];
            post(driverTxSegment(conn, segment(ro, rl), seqAdd(isn, ro), rl));
          }
          off += len;
        }
        // Every retransmission of old data went out by seek, some with a known tag; nothing was
        // refused. (A coalesced range that runs past the newest byte sent is partly new data: the
        // driver sends it behind a resync load, a jump, and the segment after it too.)
        expect(conn.rexmit.seek).toBeGreaterThan(3);
        expect(conn.rexmit.seekTag).toBeGreaterThan(0);
        expect(conn.rexmit.prefix).toBe(0);
        expect(nic.counters).toMatchObject({ tx_tls_rexmit_seek: conn.rexmit.seek, tx_tls_rexmit_tag: conn.rexmit.seekTag, tx_tls_rexmit_bad: 0 });
        expect(nic.counters.tx_tls_resync_bytes).toBe(conn.rexmit.prefixBytes);

        // The RTL on the same frames: the model's packets, completions and counters.
        const model = runTxModel(frames, { nCtx: N_CTX });
        const rtl = await runTxEngine(bin, frames, { seed, gapPermille: 50, stallPermille: 50 });
        const mm = compareTxRun(model.outputs, model.counters, rtl, model.completions);
        if (mm) expect.fail(`${suite.name} seed ${seed}: ${mm.message}`);
        const sent = rtl.packets.map((p) => p.data);

        // The wire stream: each TCP byte from its last copy (the retransmission); copies must agree.
        const wire = new Uint8Array(stream.length);
        const seen = new Uint8Array(stream.length);
        for (const data of sent) {
          expect(tcpChecksumOk(data)).toBe(true);
          const parsed = parseTcpPacket(data);
          if (isParseError(parsed)) throw new Error(parsed.detail);
          const off = seqDiff(parsed.seq, isn);
          for (let k = 0; k < parsed.payloadLength; k++) {
            const b = data[parsed.payloadOffset + k];
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
