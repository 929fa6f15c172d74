// The RX scenario of `tlsnic run`: seeded random traffic from generateRxScenario (loss with
// reordered retransmissions, spurious retransmissions, bad checksums, late installs, device- and
// host-driven resync, plain and non-TCP frames) merged with directed connections that make sure
// every class the offload document names happens in each run, whatever the seed draws:
//   * header loss: the segment carrying a record header arrives more than a maximum record late,
//     so the engine loses sync, scans the stream, locks onto a header and asks the kernel, which
//     confirms once the retransmission lets it parse that far (stream-scan resync);
//   * tag corruption: a record whose tag was damaged on the way (the packet holding its end must
//     never be marked; the kernel's socket reports the failure and stops there).
// The directed connections get tuples chosen so that they install into the run's flow table
// (flow table v2 of the run's size, under the run's hash key, hashKeyFromSeed(seed), with every
// random connection already in it), so their install does not fail and they exercise what they
// are for.
import { FtDevice, FtStatus, FT_WAYS } from '../../models/flow-table.ts';
import type { FlowTuple } from '../../models/packet.ts';
import { MAX_RECORD_LEN } from '../../models/nic-rx.ts';
import { createPrng, type Prng } from '../../models/prng.ts';
import {
  addRxFlow,
  buildRxScenario,
  createRxScenario,
  DEFAULT_RX_SCENARIO,
  generateRxScenario,
  pushInstall,
  pushSegment,
  recordOffset,
  rxScenarioHashKey,
  type RxFlowSpec,
  type RxScenario,
  type RxScenarioBuilder,
  type RxScenarioEvent,
} from './scenario.ts';

export interface RunRxScenarioConfig {
  seed: number;
  /** Random connections (the directed ones come on top). */
  flows: number;
  bytesPerFlow: number;
  /** Probability that a segment of a random connection is lost (arrives later, re-cut). */
  loss: number;
  mss: number;
  recordSizes: readonly number[];
  /** More malformed input: bad checksums, non-TCP frames. */
  faults: boolean;
  /** Flow-table buckets NB of the engine build (directed tuples are chosen to fit into it). */
  buckets: number;
  /** Random connections start as if this many bytes had already been sent (long-stream proofs). */
  streamOffset?: number;
}

/** Directed connections added to every run, by class. */
export const DIRECTED_RX_FLOWS = ['header-loss', 'tag-corruption'] as const;
export type DirectedRxClass = (typeof DIRECTED_RX_FLOWS)[number];

export interface RunRxScenario {
  scenario: RxScenario;
  /** Scenario flow index of each directed connection. */
  directed: Record<DirectedRxClass, number>;
}

/** Connections a run's RX scenario holds in all for `randomFlows` random ones. */
export function rxRunFlowCount(randomFlows: number): number {
  return randomFlows + DIRECTED_RX_FLOWS.length;
}

/**
 * Flow table of the RX engine a run builds: N_CTX a power of two ≥ 16 holding every connection,
 * BUCKETS = N_CTX / 4 (so 4·BUCKETS = N_CTX main slots, plus the 4-entry stash).
 */
export function rxRunTable(totalFlows: number): { nCtx: number; buckets: number } {
  const nCtx = Math.max(16, 2 ** Math.ceil(Math.log2(totalFlows)));
  return { nCtx, buckets: rxRunBucketsFor(nCtx) };
}

/**
 * BUCKETS of `tlsnic run` and `tlsnic replay`: 2·N_CTX main slots (N_CTX / 2 buckets), so the
 * table is at most half full (N_CTX ≥ the connections), far below the ≈ 95 % where a 4-way
 * cuckoo table with a stash first fails: a real capture never overflows it.
 */
export function rxRunBucketsFor(nCtx: number): number {
  return rxBucketsFor(2 * nCtx);
}

/** BUCKETS for N_CTX connections: N_CTX / 4 rounded up to a power of two, at least 4. */
export function rxBucketsFor(nCtx: number): number {
  return Math.max(4, 2 ** Math.ceil(Math.log2(Math.max(1, nCtx) / FT_WAYS)));
}

/** An IPv4 tuple (remote 443 → local port) that installs into `table`; installed there under `id`. */
function freeTuple(p: Prng, table: FtDevice, id: number): FlowTuple {
  for (;;) {
    const t: FlowTuple = { ipVersion: 4, srcAddr: Uint8Array.of(192, 0, 2, p.int(1, 254)), dstAddr: Uint8Array.of(198, 51, 100, p.int(1, 254)), srcPort: 443, dstPort: p.int(1024, 65535) };
    if (table.lookup(t).hit) continue;
    if (table.install(id, t).status === FtStatus.ok) return t;
  }
}

function headersOf(t: FlowTuple): { srcAddr: Uint8Array; dstAddr: Uint8Array; srcPort: number; dstPort: number } {
  return { srcAddr: t.srcAddr, dstAddr: t.dstAddr, srcPort: t.srcPort, dstPort: t.dstPort };
}

/** Segments of 1..mss bytes covering [a, e), as [offset, length] pairs. */
function cut(p: Prng, a: number, e: number, mss: number): [number, number][] {
  const out: [number, number][] = [];
  for (let o = a; o < e; ) {
    const n = Math.min(e - o, p.int(1, mss));
    out.push([o, n]);
    o += n;
  }
  return out;
}

/**
 * Header loss: in-order segments, except that the one carrying record 2's header is held back
 * until the stream has run MAX_RECORD_LEN + 3 long records past it (enough for the scan to start,
 * lock and request), then retransmitted; the stream goes on after it.
 */
function headerLossFlow(b: RxScenarioBuilder, tuple: FlowTuple, mss: number): RxFlowSpec {
  const p = b.prng;
  const f = addRxFlow(b, {
    recordSizes: [p.int(1000, 3000), p.int(1000, 3000), p.int(1000, 4000), ...Array.from({ length: 8 }, () => p.int(6000, 16384))],
    mode: 'device',
    ipVersion: 4,
    vlan: false,
    headers: headersOf(tuple),
  });
  pushInstall(b, f);
  const pre = f.preOffload.length;
  const header = recordOffset(f, 2);
  const segs = [...cut(p, 0, pre, mss), ...cut(p, pre, f.stream.length, Math.min(mss, 1460))];
  const lost = segs.findIndex(([o, n]) => o < header + 5 && o + n > header && o > pre);
  const due = header + MAX_RECORD_LEN + 3 * 16384;
  let held: [number, number] | null = lost >= 0 ? segs[lost] : null;
  for (const [i, [o, n]] of segs.entries()) {
    if (i === lost) continue;
    pushSegment(b, f, o, n);
    if (held && o + n >= due) {
      pushSegment(b, f, held[0], held[1]);
      held = null;
    }
  }
  if (held) pushSegment(b, f, held[0], held[1]);
  return f;
}

/** Tag corruption: one record of the middle has a damaged tag; every segment in order. */
function tagCorruptionFlow(b: RxScenarioBuilder, tuple: FlowTuple, mss: number): RxFlowSpec {
  const p = b.prng;
  const sizes = Array.from({ length: 6 }, () => p.int(100, 6000));
  const f = addRxFlow(b, { recordSizes: sizes, badTags: [p.int(1, 3)], mode: p.chance(0.5) ? 'device' : 'host', headers: headersOf(tuple), ipVersion: 4 });
  pushInstall(b, f);
  for (const [o, n] of cut(p, 0, f.stream.length, mss)) pushSegment(b, f, o, n);
  return f;
}

/** The two scenarios' events interleaved at random, each keeping its own order; b's flows renumbered. */
function merge(a: RxScenario, bsc: RxScenario, p: Prng): RxScenario {
  const shift = a.flows.length;
  const used = new Set(a.flows.map((f) => f.ctxId));
  const flows = [
    ...a.flows,
    ...bsc.flows.map((f) => {
      let ctxId = f.ctxId;
      while (used.has(ctxId)) ctxId = (ctxId + 1) & 0xffff;
      used.add(ctxId);
      return { ...f, index: f.index + shift, ctxId };
    }),
  ];
  const be: RxScenarioEvent[] = bsc.events.map((e) => (e.kind === 'packet' ? { ...e, flow: e.flow === null ? null : e.flow + shift } : { ...e, flow: e.flow + shift }));
  const events: RxScenarioEvent[] = [];
  let i = 0;
  let j = 0;
  while (i < a.events.length || j < be.length) {
    const left = a.events.length - i;
    const right = be.length - j;
    if (right === 0 || (left > 0 && p.int(1, left + right) <= left)) events.push(a.events[i++]);
    else events.push(be[j++]);
  }
  return { seed: a.seed, flows, events };
}

export function generateRunRxScenario(cfg: RunRxScenarioConfig): RunRxScenario {
  const random = generateRxScenario({
    ...DEFAULT_RX_SCENARIO,
    seed: cfg.seed,
    flows: cfg.flows,
    bytesPerFlow: cfg.bytesPerFlow,
    recordSizes: cfg.recordSizes,
    mss: cfg.mss,
    loss: cfg.loss,
    spurious: cfg.loss / 2,
    badChecksum: cfg.faults ? 0.03 : 0.005,
    nonTcpFraction: cfg.faults ? 0.05 : 0.01,
    installLag: 0.25,
    resyncMode: 'mixed',
    deleteAtEnd: 0.5,
    streamOffset: cfg.streamOffset,
  });
  // The directed part has its own PRNG stream, so --rx-flows does not change it.
  const b = createRxScenario((cfg.seed ^ 0x5eed_0d1e) >>> 0);
  // The run's table with every random connection in it (as if none were ever deleted), under
  // the key the run sets (runRxScenario: hashKeyFromSeed of the scenario's seed, cfg.seed).
  const table = new FtDevice({ nCtx: cfg.buckets * FT_WAYS }, rxScenarioHashKey({ seed: cfg.seed }));
  for (const f of random.flows) table.install(f.ctxId, f.tuple);
  headerLossFlow(b, freeTuple(b.prng, table, 0x1_0000), cfg.mss);
  tagCorruptionFlow(b, freeTuple(b.prng, table, 0x1_0001), cfg.mss);
  const scenario = merge(random, buildRxScenario(b), createPrng((cfg.seed ^ 0x3e76e) >>> 0));
  const n = random.flows.length;
  return { scenario, directed: { 'header-loss': n, 'tag-corruption': n + 1 } };
}
