// Directed runs of the soft side context (issue 17: a side packet that ends inside its record
// leaves the side context behind it, and the next packet exactly there needs no descriptor).
// One connection of two records, sent in order only up to the middle of the second record (so
// the in-order expected sequence lies inside a record), then:
//   run         three consecutive retransmissions: one descriptor, then two without
//   foreign     a packet elsewhere with no descriptor ends the soft context (dropped as out of
//               sequence, not refused), and a packet at the old place after it drops too
//   malformed   a truncated packet ends it silently (no tx_tls_rexmit_bad)
//   oversize    so does a packet longer than the engine's largest frame
//   ack         a pure ACK leaves it: the next packet still continues
//   at expected a side packet ending exactly at the in-order expected sequence: the new segment
//               there takes the in-order path (its record's tag must come out right)
//   tag         after the rest is sent in order: a run up to a record's end, whose descriptor had
//               no tag (sent more than SEEK_TAG_AHEAD bytes before it), takes a second descriptor
//               with the tag, then continues to the end; a descriptor near the end carries the
//               tag even when its packet stops short of it
// Every output is compared with a reference run (the same in-order segments, no retransmission,
// its own model and driver). The frames are the input of the model test (test/tx-rexmit.test.ts)
// and the RTL test (test/rtl-tx-rexmit.test.ts).
import { concatBytes } from '../../models/bytes.ts';
import { driverTxAdd, driverTxComplete, driverTxSegment, type DriverTxConnection } from '../../models/driver-tx.ts';
import { createFramerState, frameNext } from '../../models/framer.ts';
import { createNicTx, nicTxStep, type NicTxConfig, type NicTxState, type TxStepResult } from '../../models/nic-tx.ts';
import { createPrng } from '../../models/prng.ts';
import { appendRecord, createRecordList } from '../../models/record-list.ts';
import { seqAdd } from '../../models/tcp-seq.ts';
import type { TlsVersion } from '../../models/tls-record.ts';
import { packetFrame, type TxFrame } from '../../models/tx-frames.ts';
import { directedTcpPacket, payloadOf } from './rexmit-directed.ts';

export const SOFT_CTX = 5;

/** One step of the run: the frames posted for it and the packets the model sent. */
export interface SoftStep {
  what: string;
  /** Stream bytes of the packet ([off, off + len)); len 0 for a pure ACK. */
  off: number;
  len: number;
  /** Frames posted (descriptor + packet = 2, a continuing packet = 1). */
  posted: number;
  outs: Uint8Array[];
  /** The output's payload expected: the reference run's bytes (none for a pure ACK), or null when the packet must drop. */
  want: Uint8Array | null;
}

export interface SoftRun {
  version: TlsVersion;
  frames: TxFrame[];
  steps: SoftStep[];
  conn: DriverTxConnection;
  nic: NicTxState;
  /** The reference run's full stream as sent in order (encrypted), and its completions' tags by record. */
  truth: Uint8Array;
}

const SEG = 300;

export function directedSoftRun(version: TlsVersion, seed: number, nicCfg: NicTxConfig): SoftRun {
  const prng = createPrng(seed);
  const info = { version, key: prng.bytes(16), iv: prng.bytes(version === '1.2' ? 4 : 12) };
  const isn = prng.nextU32();
  const framer = createFramerState({ version, maxPlaintext: 16384, explicitNonceStart: version === '1.2' ? 9n : undefined }, { recordSeq: 2n, tcpSeq: isn });
  const records = [1200, 3000].flatMap((n) => frameNext(framer, prng.bytes(n)));
  const stream = concatBytes(...records.map((r) => r.bytes));
  const r0 = records[0]!.bytes.length;
  const mid = r0 + 400;   // the in-order sends stop here first (inside record 1)
  const pkt = (off: number, len: number) => directedTcpPacket(isn, stream, off, len, { srcPort: 40001 });
  // In-order segments: [0, mid) then [mid, end), SEG bytes each (the reference sends the same ones).
  const inOrder = (from: number, to: number): [number, number][] => {
    const out: [number, number][] = [];
    for (let off = from; off < to; off += SEG) out.push([off, Math.min(SEG, to - off)]);
    return out;
  };
  const open = (nic: NicTxState, frames: TxFrame[]) => {
    const list = createRecordList();
    for (const r of records) appendRecord(list, r);
    const { conn, frame } = driverTxAdd({ ctxId: SOFT_CTX, version, key: info.key, iv: info.iv, recordSeq: 2n, startOffloadTcpSn: isn }, list, 'seek');
    frames.push(frame);
    nicTxStep(nic, frame);
    const post = (fs: TxFrame[]): Uint8Array[] => {
      const outs: Uint8Array[] = [];
      for (const f of fs) {
        frames.push(f);
        const r: TxStepResult = nicTxStep(nic, f);
        if (r.out) outs.push(r.out);
        for (const c of r.completions ?? []) driverTxComplete(conn, c.recordSeq, c.tag);
      }
      return outs;
    };
    const send = (off: number, len: number) => post(driverTxSegment(conn, pkt(off, len), seqAdd(isn, off), len));
    return { conn, post, send };
  };

  // Reference: in order only.
  const truth = new Uint8Array(stream.length);
  {
    const ref = open(createNicTx(nicCfg), []);
    for (const [off, len] of [...inOrder(0, mid), ...inOrder(mid, stream.length)]) truth.set(payloadOf(ref.send(off, len)[0]!), off);
  }

  const nic = createNicTx(nicCfg);
  const frames: TxFrame[] = [];
  const { conn, post, send } = open(nic, frames);
  const steps: SoftStep[] = [];
  const want = (off: number, len: number) => truth.slice(off, off + len);
  const step = (what: string, off: number, len: number, expectOut: boolean, raw?: TxFrame) => {
    const before = frames.length;
    const outs = raw ? post([raw]) : send(off, len);
    steps.push({ what, off, len, posted: frames.length - before, outs, want: expectOut ? want(off, len) : null });
  };
  for (const [off, len] of inOrder(0, mid)) send(off, len);

  step('run: first (descriptor)', 100, 40, true);
  step('run: second (continues)', 140, 40, true);
  step('run: third (continues)', 180, 40, true);
  // The driver sees none of the raw frames below: its mirror of the soft context is reset by hand.
  step('foreign: a packet elsewhere, no descriptor (ends it)', 600, 30, false, packetFrame(pkt(600, 30), true, SOFT_CTX));
  step('foreign: then the old place, no descriptor', 220, 30, false, packetFrame(pkt(220, 30), true, SOFT_CTX));
  conn.soft = undefined;
  step('malformed: descriptor first', 300, 20, true);
  step('malformed: a truncated packet (ends it silently)', 320, 0, false, packetFrame(pkt(320, 20).subarray(0, 30), true, SOFT_CTX));
  step('malformed: then the place it left, no descriptor', 320, 20, false, packetFrame(pkt(320, 20), true, SOFT_CTX));
  conn.soft = undefined;
  const big = (nicCfg.maxFrameBytes ?? 9600) + 1;
  step('oversize: descriptor first', 400, 20, true);
  step('oversize: a frame past the largest (ends it silently)', 420, 0, false, packetFrame(new Uint8Array(big), true, SOFT_CTX));
  step('oversize: then the place it left, no descriptor', 420, 20, false, packetFrame(pkt(420, 20), true, SOFT_CTX));
  conn.soft = undefined;
  step('ack: descriptor first', 500, 20, true);
  step('ack: a pure ACK (passes, leaves it)', 520, 0, true);
  step('ack: continues', 520, 30, true);
  step('at expected: a side packet ending at the in-order expected sequence', mid - 50, 50, true);
  for (const [off, len] of inOrder(mid, stream.length)) step('at expected: in order from there', off, len, true);
  const end = stream.length;
  // The first descriptor is more than SEEK_TAG_AHEAD before the record's end: no tag with it.
  step('tag: far from the tag (descriptor without it)', end - 1540, 40, true);
  step('tag: continues to just before the tag', end - 1500, 1450, true);
  step('tag: reaches the tag (a second descriptor, with it)', end - 50, 40, true);
  step('tag: continues with the known tag', end - 10, 6, true);
  step('tag: the record\'s last bytes (continues, then gone)', end - 4, 4, true);
  step('tag: again, a descriptor with the tag (near), its packet short of the tag', end - 30, 10, true);
  return { version, frames, steps, conn, nic, truth };
}
