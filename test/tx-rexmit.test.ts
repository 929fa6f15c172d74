// Retransmission without prefix replay (issue 17), golden model and driver: SEEK descriptors, the
// completion stream's tags, the side context. Checked by the stream oracle (harness/tx/check.ts:
// every retransmitted byte equals its first transmission, every record decrypts, no plaintext),
// which shares no code with the engine model; CTR seek itself is checked against node:crypto in
// test/ctr-seek.test.ts. The RTL against the model: test/rtl-tx-rexmit.test.ts.
import { describe, expect, it } from 'vitest';
import { checkTxStreams } from '../harness/tx/check.ts';
import { runTxModel } from '../harness/tx/compare.ts';
import { DIRECTED_TAGGED, directedSeekRun, payloadOf } from '../harness/tx/rexmit-directed.ts';
import { directedSoftRun } from '../harness/tx/rexmit-soft-directed.ts';
import { DEFAULT_TX_SCENARIO, generateTxScenario, type TxScenario, type TxScenarioConfig } from '../harness/tx/scenario.ts';
import { createNicTx, nicTxStep } from '../models/nic-tx.ts';
import { isParseError, parseTcpPacket, tcpChecksumOk } from '../models/packet.ts';
import { seqAdd } from '../models/tcp-seq.ts';
import { decodeResync, FrameKind, ResyncFlag, SEEK_FRAME_LEN, seekFrame, type SeekLoad, type TxFrame } from '../models/tx-frames.ts';

const SEED = Number(process.env.TLSNIC_SEED ?? 1);
const NIC = { nCtx: 16, maxFrameBytes: 9600 };
const LOSSY: TxScenarioConfig = { ...DEFAULT_TX_SCENARIO, flows: 8, bytesPerFlow: 100_000, loss: 0.1, spurious: 0.02 };

function oracle(sc: TxScenario, sent: readonly Uint8Array[]) {
  const r = checkTxStreams(sc, sent);
  expect(r.problems).toEqual([]);
  expect(r.leaks).toBe(0);
  expect(r.recordsVerified).toBe(sc.flows.reduce((n, f) => n + f.records.length, 0));
}

const seekFrames = (frames: readonly TxFrame[]) => frames.flatMap((f, i) => {
  if (f.user.kind !== FrameKind.RESYNC) return [];
  const d = decodeResync(f);
  return d.ok && d.seek ? [{ i, seek: d.seek }] : [];
});

describe('SEEK descriptor frames', () => {
  it('encode and decode: offset, record, header, tag; contradictory flags and lengths are refused', () => {
    const s: SeekLoad = { ctxId: 7, recordStartTcpSn: 0xfffffff0, recordSeq: 123456789n, explicitNonce: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8), offset: 1000, header: Uint8Array.of(23, 3, 3, 0x10, 0x15), tag: new Uint8Array(16).fill(0xab) };
    const f = seekFrame(s);
    expect(f.data.length).toBe(SEEK_FRAME_LEN + 16);
    expect(f.data[2]).toBe(ResyncFlag.SEEK | ResyncFlag.TAG);
    expect(decodeResync(f)).toEqual({ ok: true, seek: s });
    const noTag = seekFrame({ ...s, tag: undefined });
    expect(noTag.data.length).toBe(SEEK_FRAME_LEN);
    expect(decodeResync(noTag)).toEqual({ ok: true, seek: { ...s, tag: undefined } });
    const mut = (k: number, v: number, len = f.data.length) => { const d = f.data.slice(0, len); d[k] = v; return decodeResync({ ...f, data: d }).ok; };
    expect(mut(2, ResyncFlag.SEEK | ResyncFlag.TAG | ResyncFlag.START)).toBe(false);   // SEEK with START
    expect(mut(2, ResyncFlag.TAG)).toBe(false);                                        // TAG without SEEK
    expect(mut(2, ResyncFlag.SEEK | ResyncFlag.TAG, SEEK_FRAME_LEN + 15)).toBe(false);  // a byte short
    expect(mut(2, ResyncFlag.SEEK)).toBe(false);                                       // 16 bytes too many
  });
});

describe.each([SEED, SEED + 1, SEED + 2])('lossy connections, seed %i', (seed) => {
  const prefix = generateTxScenario({ ...LOSSY, seed, rexmit: 'prefix' });
  const seek = generateTxScenario({ ...LOSSY, seed, rexmit: 'seek' });
  console.log(`tx-rexmit seed ${seed}: prefix ${JSON.stringify(prefix.rexmit)}; seek ${JSON.stringify(seek.rexmit)}`);

  it('prefix replay (today): retransmissions go out behind resync loads (consecutive ones ride the moved-back context), and so does the new segment after them; the oracle accepts the output', () => {
    const m = runTxModel(prefix.frames, NIC);
    oracle(prefix, m.outputs.map((o) => o.data));
    expect(prefix.rexmit.seek).toBe(0);
    expect(prefix.rexmit.prefix).toBeGreaterThan(50);
    expect(m.counters.tx_tls_resync_bytes).toBe(prefix.rexmit.prefixBytes);
  });

  it('seek: ≥ 90 % of retransmitted segments without a prefix, known tags written, prefix bytes ≤ 5 % of the replay; the oracle accepts the output', () => {
    const m = runTxModel(seek.frames, NIC);
    oracle(seek, m.outputs.map((o) => o.data));
    const r = seek.rexmit;
    expect(r.seek / (r.seek + r.prefix)).toBeGreaterThanOrEqual(0.9);
    expect(r.seekTag).toBeGreaterThan(0);
    // Runs of consecutive retransmitted segments continue on the soft side context.
    expect(r.seekCont).toBeGreaterThan(0.2 * r.seek);
    expect(r.prefixBytes).toBeLessThanOrEqual(0.05 * prefix.rexmit.prefixBytes);
    // The prefix replay reloads again for the new segment after each retransmission (a jump); the side context does not.
    expect(prefix.rexmit.jump).toBeGreaterThan(0.5 * prefix.rexmit.prefix);
    expect(r.jump).toBeLessThanOrEqual(r.prefix + 2);
    // The engine counted every path the driver took, and refused nothing.
    expect(m.counters).toMatchObject({ tx_tls_rexmit_seek: r.seek, tx_tls_rexmit_tag: r.seekTag, tx_tls_rexmit_bad: 0 });
    expect(m.counters.tx_tls_resync_bytes).toBe(r.prefixBytes);
    expect(m.counters.tx_tls_drop_no_sync_data).toBe(runTxModel(prefix.frames, NIC).counters.tx_tls_drop_no_sync_data);
  });

  it('side context: a SEEK descriptor and its packet leave the in-order context as it was, and the next new segment is sent without a load', () => {
    const st = createNicTx(NIC);
    const seeks = new Map(seekFrames(seek.frames).map((s) => [s.i, s.seek]));
    expect(seeks.size).toBeGreaterThan(50);
    let checked = 0;
    let held: { ctxId: number; snap: string } | null = null;
    const snap = (ctxId: number) => {
      const c = st.contexts.get(ctxId)!;
      return JSON.stringify({ e: c.expectedSeq, s: c.started, y: c.inSync, r: c.tracker.record.recordSeq.toString(), o: c.tracker.record.offset });
    };
    seek.frames.forEach((f, i) => {
      if (seeks.has(i)) held = { ctxId: f.user.ctxId, snap: snap(f.user.ctxId) };
      const r = nicTxStep(st, f);
      const p = f.user.kind === FrameKind.PACKET ? parseTcpPacket(f.data) : null;
      if (held && f.user.kind === FrameKind.PACKET && f.user.offload && f.user.ctxId === held.ctxId && p && !isParseError(p) && p.payloadLength > 0) {
        expect(r.verdict, `frame ${i}: the retransmission`).toBe('encrypted');
        expect(snap(held.ctxId), `frame ${i}: the in-order context`).toBe(held.snap);
        held = null;
        checked++;
      }
    });
    expect(checked).toBe(seeks.size);
    // SEEK descriptors take the place of loads (one per retransmitted segment); what goes away are
    // the prefix loads: the few left are fallbacks and the new segments after them.
    const loads = (sc: TxScenario) => sc.frames.filter((f) => f.user.kind === FrameKind.RESYNC).length;
    expect(loads(seek) - seeks.size).toBeLessThan(0.1 * loads(prefix));
  });
});

describe('contradicting descriptors: the packet is dropped and counted, nothing else moves, never plaintext', () => {
  const sc = generateTxScenario({ ...LOSSY, seed: SEED + 10, rexmit: 'seek' });
  const seeks = seekFrames(sc.frames);
  const tagged = seeks.find((s) => s.seek.tag && s.seek.offset > 0)!;
  const plain = seeks.find((s) => !s.seek.tag && s.seek.offset > 20)!;
  const base = runTxModel(sc.frames, NIC);

  /** The run with frame i replaced by `f`: exactly one output packet (the retransmission after it) fewer. */
  function expectDropped(i: number, f: TxFrame, badLoad = false) {
    const frames = sc.frames.slice();
    frames[i] = f;
    const m = runTxModel(frames, NIC);
    expect(m.outputs.length).toBe(base.outputs.length - 1);
    expect(m.counters.tx_tls_rexmit_bad).toBe(1);
    expect(m.counters.tx_tls_resync_bad).toBe(base.counters.tx_tls_resync_bad + (badLoad ? 1 : 0));
    oracleSubset(m.outputs.map((o) => o.data));
  }
  /** The oracle on a run that lost some retransmissions: no problem, no leak (records can still verify from the first sends). */
  function oracleSubset(sent: Uint8Array[]) {
    const r = checkTxStreams(sc, sent);
    expect(r.problems).toEqual([]);
    expect(r.leaks).toBe(0);
  }

  it('the scenario has both kinds of descriptor', () => {
    expect(tagged).toBeDefined();
    expect(plain).toBeDefined();
  });
  it('a packet that does not start where the descriptor says', () => {
    expectDropped(plain.i, seekFrame({ ...plain.seek, offset: plain.seek.offset - 1 }));
  });
  it('a header the packet cannot contradict (it holds none of it) is the driver\'s word: sent as it says, never in plaintext', () => {
    const header = plain.seek.header.slice();
    header[0] ^= 1;   // content type: the packet holds no header byte, so the seek itself cannot see it …
    const m = runTxModel(sc.frames.map((f, k) => (k === plain.i ? seekFrame({ ...plain.seek, header }) : f)), NIC);
    // … and the keystream does not depend on it: every packet exactly as without the change.
    expect(m.outputs.map((o) => Buffer.from(o.data).toString('hex'))).toEqual(base.outputs.map((o) => Buffer.from(o.data).toString('hex')));
    const lenHeader = plain.seek.header.slice();
    lenHeader[4] ^= 0x40;   // a length that moves the record end
    const frames = sc.frames.map((f, k) => (k === plain.i ? seekFrame({ ...plain.seek, header: lenHeader }) : f));
    const r = checkTxStreams(sc, runTxModel(frames, NIC).outputs.map((o) => o.data));
    expect(r.leaks).toBe(0);
  });
  it('tag bytes with no tag given', () => {
    expectDropped(tagged.i, seekFrame({ ...tagged.seek, tag: undefined }));
  });
  it('a wrong tag is written as given (the driver\'s word), and the oracle sees the record fail', () => {
    const frames = sc.frames.map((f, k) => (k === tagged.i ? seekFrame({ ...tagged.seek, tag: new Uint8Array(16) }) : f));
    const r = checkTxStreams(sc, runTxModel(frames, NIC).outputs.map((o) => o.data));
    expect(r.problems.some((p) => /retransmi|differs/.test(p))).toBe(true);
    expect(r.leaks).toBe(0);
  });
  it('an offset beyond the record: the descriptor is refused (tx_tls_resync_bad) and its packet dropped as out of sequence', () => {
    const frames = sc.frames.slice();
    frames[plain.i] = seekFrame({ ...plain.seek, offset: 0xffff });
    const m = runTxModel(frames, NIC);
    expect(m.counters.tx_tls_resync_bad).toBe(base.counters.tx_tls_resync_bad + 1);
    expect(m.counters.tx_tls_rexmit_bad).toBe(1);
    expect(m.outputs.length).toBe(base.outputs.length - 1);
    expect(m.counters.tx_tls_drop_no_sync_data).toBe(base.counters.tx_tls_drop_no_sync_data + 1);
    oracleSubset(m.outputs.map((o) => o.data));
  });
});

describe('directed retransmissions: every place a segment can start, against the first transmission', () => {
  // harness/tx/rexmit-directed.ts: one connection framed by hand (three records), sent in order
  // through the driver and the model (completions fed straight back), then old ranges sent again:
  // each must come out exactly as the first transmission of those bytes did.
  for (const version of ['1.2', '1.3'] as const) {
    it(`TLS ${version}: record start, inside the header, inside the explicit nonce, the body, a mid-block start, tag only, across two records`, () => {
      const d = directedSeekRun(version, SEED + (version === '1.2' ? 20 : 21), NIC);
      for (const c of d.cases) {
        expect(c.outs.length, c.what).toBe(1);
        expect(Buffer.from(payloadOf(c.outs[0]!)).equals(Buffer.from(d.truth.subarray(c.off, c.off + c.len))), `${c.what}: bytes ${c.off}+${c.len}`).toBe(true);
        expect(c.seekAfter, c.what).toBe(c.seekBefore + 1);
        expect(tcpChecksumOk(c.outs[0]!), c.what).toBe(true);
      }
      expect(d.conn.rexmit.seekTag).toBe(DIRECTED_TAGGED);   // tag only, the tag and the next record, the last bytes, the sweep
      // The in-order path goes on where it was: the next new segment needs no load.
      expect(d.conn.expectedSeq).toBe(seqAdd(d.isn, d.streamLength));
      // Contradictions: a descriptor whose explicit nonce (1.2) or header differs from the packet's
      // record start drops the packet (never sends it wrong) and leaves the context alone.
      expect(d.contradictions.length).toBe(version === '1.2' ? 2 : 1);
      d.contradictions.forEach((c, k) => {
        expect(c.descriptor.verdict, c.what).toBe('resync');
        expect(c.packet.out, c.what).toBeNull();
        expect(c.rexmitBadAfter, c.what).toBe(k + 1);
      });
      // The unchanged descriptor still works after them.
      expect(Buffer.from(payloadOf(d.finalOut!)).equals(Buffer.from(d.finalWant))).toBe(true);
    });
  }
});

describe('soft side context: a retransmitted run continues without descriptors (harness/tx/rexmit-soft-directed.ts)', () => {
  // Frames posted per step: 2 = descriptor + packet, 1 = the packet alone (or a raw frame).
  const POSTED = [2, 1, 1, 1, 1, 2, 1, 1, 2, 1, 1, 2, 1, 1, 2];
  for (const version of ['1.2', '1.3'] as const) {
    it(`TLS ${version}: continues, ends on any other packet, never at the in-order place, a second descriptor for the tag`, () => {
      const d = directedSoftRun(version, SEED + (version === '1.2' ? 30 : 31), NIC);
      const sent = d.steps.filter((s) => s.want !== null && s.len > 0);
      for (const s of d.steps) {
        if (s.want === null) {
          expect(s.outs, s.what).toEqual([]);
          continue;
        }
        expect(s.outs.length, s.what).toBe(1);
        expect(Buffer.from(payloadOf(s.outs[0]!)).equals(Buffer.from(s.want)), `${s.what}: bytes ${s.off}+${s.len}`).toBe(true);
        expect(tcpChecksumOk(s.outs[0]!), s.what).toBe(true);
      }
      expect(d.steps.slice(0, POSTED.length).map((s) => s.posted)).toEqual(POSTED);
      const inOrder = d.steps.filter((s) => s.what.startsWith('at expected: in order'));
      expect(inOrder.length).toBeGreaterThan(1);
      for (const s of inOrder) expect(s.posted, s.what).toBe(1);
      expect(d.steps.slice(-6).map((s) => s.posted)).toEqual([2, 1, 2, 1, 1, 2]);
      // Continuations: run ×2, ack ×1, tag ×3; every side packet counted as a seek, none refused.
      expect(d.conn.rexmit.seekCont).toBe(6);
      expect(d.nic.counters.tx_tls_rexmit_seek).toBe(sent.length - inOrder.length);
      expect(d.nic.counters.tx_tls_rexmit_tag).toBe(3);
      expect(d.nic.counters.tx_tls_rexmit_bad).toBe(0);
      // foreign ×2, malformed's and oversize's packets at the old place: out of sequence.
      expect(d.nic.counters.tx_tls_drop_no_sync_data).toBe(4);
      expect(d.nic.counters.tx_tls_drop_malformed).toBe(1);
      expect(d.nic.counters.tx_frame_err).toBe(1);
    });
  }
});
