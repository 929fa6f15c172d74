// An oracle for an RX run that shares no code path with the engine model's decisions: it knows
// each connection's records from the scenario (where they start, what the sender encrypted) and
// decrypts them whole with tls-record's unprotectRecord (itself checked against node:crypto).
// It checks that
//   * the output carries every input packet exactly once, in order, and every event decodes;
//   * an unmarked packet is the input packet byte for byte;
//   * a marked packet came in with good checksums, belongs to an offloaded connection, covers
//     only record bytes, contains the last byte of no record that fails authentication, and equals
//     the input except that record payload bytes are the record's plaintext (headers, explicit
//     nonces, tags and all packet headers as received);
//   * the kernel model recovered exactly the sender's records (content type and application
//     bytes) — up to the first corrupted record, where it must report the failure and stop.
import { bytesEqual } from '../../models/bytes.ts';
import { kernelRecordsEqual } from '../../models/kernel-rx.ts';
import { flowKey, isParseError, parseTcpPacket, tcpChecksumOk } from '../../models/packet.ts';
import { decodeRxEvent, RxInKind, RxOutKind } from '../../models/rx-frames.ts';
import { recordPrefixLen, TLS_TAG_LEN, unprotectRecord } from '../../models/tls-record.ts';
import type { RxFlowSpec, RxRun, RxScenario } from './scenario.ts';

export interface RxCheck {
  ok: boolean;
  problems: string[];
  /** Output packets marked decrypted / left untouched. */
  marked: number;
  unmarked: number;
  /** Records the kernel recovered and the oracle matched, over all connections. */
  recordsVerified: number;
}

interface FlowOracle {
  spec: RxFlowSpec;
  /** Stream offset (from isn) where each record starts, ascending. */
  starts: number[];
  /** Per record: the framed plaintext whose payload bytes a marked packet must carry. */
  plain: Uint8Array[];
}

function flowOracle(f: RxFlowSpec, problems: string[]): FlowOracle {
  const starts: number[] = [];
  const plain: Uint8Array[] = [];
  let off = f.preOffload.length;
  for (const r of f.records) {
    starts.push(off);
    off += r.wire.length;
    const dec = unprotectRecord(f.crypto, r.recordSeq, r.wire);
    if (r.authentic !== (dec !== null)) problems.push(`flow ${f.index}: record ${r.recordSeq} authenticates=${dec !== null}, scenario says ${r.authentic}`);
    const body = r.framed.subarray(0, r.framed.length - TLS_TAG_LEN);
    if (dec !== null && !bytesEqual(dec.subarray(0, body.length), body)) problems.push(`flow ${f.index}: record ${r.recordSeq} decrypts to something else than was sent`);
    // A corrupted tag leaves the body intact: its plaintext is what the sender framed.
    plain.push(dec ?? r.framed);
  }
  return { spec: f, starts, plain };
}

/** Index of the record containing stream offset o, or -1. */
function recordAt(fo: FlowOracle, o: number): number {
  let lo = 0;
  let hi = fo.starts.length - 1;
  if (hi < 0 || o < fo.starts[0]) return -1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (fo.starts[mid] <= o) lo = mid;
    else hi = mid - 1;
  }
  return o < fo.starts[lo] + fo.spec.records[lo].wire.length ? lo : -1;
}

function checkMarked(fo: FlowOracle, idx: number, input: Uint8Array, output: Uint8Array): string | null {
  const p = parseTcpPacket(input);
  if (isParseError(p)) return `packet ${idx}: marked but not a TCP packet`;
  if (!p.ipHeaderChecksumOk || !tcpChecksumOk(input)) return `packet ${idx}: marked but its checksum was wrong`;
  if (output.length !== input.length) return `packet ${idx}: marked packet changed length`;
  const a = p.payloadOffset;
  const e = a + p.payloadLength;
  if (p.payloadLength === 0) return `packet ${idx}: marked without payload`;
  if (!bytesEqual(output.subarray(0, a), input.subarray(0, a)) || !bytesEqual(output.subarray(e), input.subarray(e))) return `packet ${idx}: marked packet's headers changed`;
  const f = fo.spec;
  const ps = recordPrefixLen(f.crypto.version);
  const off0 = (p.seq - f.isn) >>> 0;
  for (let k = 0; k < p.payloadLength; k++) {
    const o = off0 + k;
    const ri = recordAt(fo, o);
    if (ri < 0) return `packet ${idx}: marked, but stream offset ${o} is not record data`;
    const rec = f.records[ri];
    const q = o - fo.starts[ri];
    if (q === rec.wire.length - 1 && !rec.authentic) return `packet ${idx}: marked, but record ${rec.recordSeq} ending in it fails authentication`;
    const inPayload = q >= ps && q < rec.wire.length - TLS_TAG_LEN;
    const want = inPayload ? fo.plain[ri][q] : input[a + k];
    if (output[a + k] !== want) return `packet ${idx}: byte ${k} (record ${rec.recordSeq} offset ${q}) is ${output[a + k]}, expected ${want}`;
  }
  return null;
}

export function checkRxRun(sc: RxScenario, run: RxRun): RxCheck {
  const problems: string[] = [];
  const oracles = sc.flows.map((f) => flowOracle(f, problems));
  const byKey = new Map(oracles.map((o) => [o.spec.tupleKey, o]));
  const inPackets = run.inputs.filter((f) => f.user.kind === RxInKind.PACKET);
  const outPackets = run.outputs.filter((f) => f.user.kind === RxOutKind.PACKET);
  for (const [i, f] of run.outputs.entries()) {
    if (f.user.kind === RxOutKind.EVENT && decodeRxEvent(f) === null) problems.push(`output ${i}: malformed event`);
    if (f.user.kind !== RxOutKind.EVENT && f.user.kind !== RxOutKind.PACKET) problems.push(`output ${i}: kind ${f.user.kind}`);
  }
  if (inPackets.length !== outPackets.length) problems.push(`${inPackets.length} packets in, ${outPackets.length} out`);
  let marked = 0;
  let unmarked = 0;
  const n = Math.min(inPackets.length, outPackets.length);
  for (let i = 0; i < n; i++) {
    const input = inPackets[i].data;
    const out = outPackets[i];
    if (!out.user.decrypted) {
      unmarked++;
      if (!bytesEqual(out.data, input)) problems.push(`packet ${i}: unmarked but modified`);
      continue;
    }
    marked++;
    const p = parseTcpPacket(input);
    const fo = isParseError(p) ? undefined : byKey.get(flowKey(p));
    if (!fo) {
      problems.push(`packet ${i}: marked but belongs to no offloaded connection`);
      continue;
    }
    const bad = checkMarked(fo, i, input, out.data);
    if (bad) problems.push(bad);
  }
  let recordsVerified = 0;
  for (const fo of oracles) {
    const f = fo.spec;
    const conn = run.conns[f.index];
    const firstBad = f.records.findIndex((r) => !r.authentic);
    const upTo = firstBad < 0 ? f.records.length : firstBad;
    const want = f.records.slice(0, upTo).map((r) => ({ contentType: r.contentType, data: r.data }));
    if (!kernelRecordsEqual(conn, want)) {
      const i = conn.records.findIndex((r, j) => j >= want.length || r.contentType !== want[j].contentType || !bytesEqual(r.data, want[j].data));
      problems.push(`flow ${f.index}: kernel recovered ${conn.records.length} records, expected ${want.length}; first difference at ${i < 0 ? conn.records.length : i}${conn.error ? ` (${conn.error})` : ''}`);
    } else recordsVerified += want.length;
    if (firstBad < 0 && conn.error !== null) problems.push(`flow ${f.index}: kernel error ${conn.error}`);
    if (firstBad >= 0 && !(conn.error ?? '').startsWith(`record ${f.records[firstBad].recordSeq} `)) {
      problems.push(`flow ${f.index}: corrupted record ${f.records[firstBad].recordSeq} not reported (kernel error: ${conn.error})`);
    }
  }
  return { ok: problems.length === 0, problems: problems.slice(0, 30), marked, unmarked, recordsVerified };
}

