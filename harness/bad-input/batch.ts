// The bad-input catalogue as one batch per engine: every class's frames (harness/bad-input/
// catalogue.ts) spliced into a healthy background scenario, with the golden model's outputs,
// verdicts and counter deltas for it. test/rtl-bad-input.test.ts runs these batches through the
// RTL and checks every class; `tlsnic coverage` runs them through the coverage builds, so the
// coverage figures include every malformed-input class and the output holds some classes need.
import { compactCtxIds, compareRxRun } from '../rx/compare.ts';
import { generateRxScenario, runRxScenario, rxScenarioHashKey, DEFAULT_RX_SCENARIO, type RxScenario } from '../rx/scenario.ts';
import type { RxEngineRun } from '../rx/sim.ts';
import { compareTxRun } from '../tx/compare.ts';
import { DEFAULT_TX_SCENARIO, generateTxScenario, type TxScenario } from '../tx/scenario.ts';
import type { TxEngineRun } from '../tx/sim.ts';
import type { SimStallConfig } from '../engine/sim-process.ts';
import type { NicRxConfig } from '../../models/nic-rx.ts';
import { RxInKind, type RxFrame } from '../../models/rx-frames.ts';
import { recordPrefixLen, TLS_TAG_LEN } from '../../models/tls-record.ts';
import { FrameKind, type TxFrame } from '../../models/tx-frames.ts';
import {
  buildRxCases, buildTxCases, compose, fullRxDelta, fullTxDelta, runRxCatalogueModel, runTxCatalogueModel, type CaseEnv, type Composed, type RxCase, type TxCase,
} from './catalogue.ts';

/** Largest frame of the catalogue builds (MAX_FRAME). */
export const CATALOGUE_MAX_FRAME = 9600;

/** Light random input gaps and output stalls on every catalogue run (the classes' output holds come on top). */
function catalogueStalls(seed: number): SimStallConfig {
  return { seed, gapPermille: 30, stallPermille: 30 };
}

// ---------------------------------------------------------------------------------------------
// TX

/** TX background: three offloaded connections with loss and retransmission, plain traffic; the cases go between its installs and its deletes. */
export function txBackground(seed: number, nCtx: number): TxScenario {
  return generateTxScenario({ ...DEFAULT_TX_SCENARIO, seed, flows: 3, bytesPerFlow: 20_000, nCtx, faults: false });
}

/** Background positions the cases may go between: after the last install, before the trailing deletes. */
function txRange(frames: readonly TxFrame[]): [number, number] {
  let from = 0;
  frames.forEach((f, i) => {
    if (f.user.kind === FrameKind.CONTROL && f.data[0] === 1) from = i + 1;
  });
  let to = frames.length;
  while (to > from && frames[to - 1].user.kind === FrameKind.CONTROL) to--;
  return [from, to];
}

/** The record bodies (plaintext) of a TX scenario, for the plaintext-leak check. */
export function txBodies(sc: TxScenario): Uint8Array[] {
  return sc.flows.flatMap((f) => f.records.map((r) => r.bytes.subarray(recordPrefixLen(f.crypto.version), r.bytes.length - TLS_TAG_LEN)));
}

export interface TxCatalogueBatch {
  seed: number;
  width: number;
  nCtx: number;
  background: TxScenario;
  cases: TxCase[];
  comp: Composed<TxFrame>;
  model: ReturnType<typeof runTxCatalogueModel>;
  /** The bench's stalls for this batch: light gaps and stalls plus the classes' output holds. */
  stalls: SimStallConfig;
}

export function txCatalogueBatch(seed: number, width: number, nCtx: number): TxCatalogueBatch {
  const background = txBackground(seed, nCtx);
  const used = new Set(background.flows.map((f) => f.ctxId));
  const env: CaseEnv = { width, nCtx, maxFrame: CATALOGUE_MAX_FRAME, freeCtx: [...Array(nCtx).keys()].filter((i) => !used.has(i)).slice(0, 8), busyCtx: background.flows[0].ctxId };
  const cases = buildTxCases(env);
  const [from, to] = txRange(background.frames);
  const comp = compose(background.frames, cases, from, to);
  const model = runTxCatalogueModel(comp.modelFrames, comp.spans, { nCtx, maxFrameBytes: CATALOGUE_MAX_FRAME });
  return { seed, width, nCtx, background, cases, comp, model, stalls: { ...catalogueStalls(seed), readyHolds: comp.readyHolds } };
}

/** RTL == model over the whole batch (every packet and counter); null when they agree. */
export function compareTxBatch(b: TxCatalogueBatch, rtl: TxEngineRun): string | null {
  return compareTxRun(b.model.outputs, b.model.counters, rtl, b.model.completions)?.message ?? null;
}

// ---------------------------------------------------------------------------------------------
// RX

/** RX flow table of the catalogue batch: 16 contexts, 4 buckets × 4 ways + the stash. */
export const RX_CATALOGUE_NIC: NicRxConfig = { nCtx: 16, buckets: 4 };
/** Ids the RX cases may use: the background takes 0..2; rx-bucket-full installs 13 connections. */
export const RX_FREE_CTX = [10, 11, 12, 13, 3, 4, 5, 6, 7, 8, 9, 14, 15];

/** RX background: three in-order connections (installed at their first record), plain and non-TCP traffic; replayed as the closed loop consumed it. */
export function rxBackground(seed: number, nic: NicRxConfig = RX_CATALOGUE_NIC): { sc: RxScenario; frames: RxFrame[] } {
  const sc = generateRxScenario({ ...DEFAULT_RX_SCENARIO, seed, flows: 3, bytesPerFlow: 20_000, deleteAtEnd: 0, plainFraction: 0.05, nonTcpFraction: 0.02 });
  const run = runRxScenario(sc, { nic: { ...nic, nCtx: 65536 }, latency: 0 });
  return { sc, frames: compactCtxIds(run.inputs, nic.nCtx) };
}

export interface RxCatalogueBatch {
  seed: number;
  nic: NicRxConfig;
  background: RxScenario;
  cases: RxCase[];
  comp: Composed<RxFrame>;
  model: ReturnType<typeof runRxCatalogueModel>;
  stalls: SimStallConfig;
}

/** The RX catalogue at W = 128 (the tkeep classes are cut for that beat size). */
export function rxCatalogueBatch(seed: number, nic: NicRxConfig = RX_CATALOGUE_NIC): RxCatalogueBatch {
  const { sc, frames: bg } = rxBackground(seed, nic);
  // The background's run set its seed's hash key first; its connections stay installed throughout the cases.
  const cases = buildRxCases({
    width: 128, nCtx: nic.nCtx, maxFrame: CATALOGUE_MAX_FRAME, freeCtx: RX_FREE_CTX, busyCtx: 0, buckets: nic.buckets, hashKey: rxScenarioHashKey(sc), busyTuples: sc.flows.map((f) => f.tuple),
  });
  let from = 0;
  bg.forEach((f, i) => {
    if (f.user.kind === RxInKind.CONTROL && f.data[0] === 1) from = i + 1;
  });
  const comp = compose(bg, cases, from, bg.length);
  const model = runRxCatalogueModel(comp.modelFrames, comp.spans, nic);
  return { seed, nic, background: sc, cases, comp, model, stalls: { ...catalogueStalls(seed), readyHolds: comp.readyHolds } };
}

/** RTL == model over the whole batch (every output, mark, event and counter); null when they agree. */
export function compareRxBatch(b: RxCatalogueBatch, rtl: RxEngineRun): string | null {
  return compareRxRun(b.model, rtl)?.message ?? null;
}

// ---------------------------------------------------------------------------------------------
// Both

/** Each class's model verdicts and counter delta as the class defines them (empty when all hold). */
export function catalogueModelProblems(b: TxCatalogueBatch | RxCatalogueBatch): string[] {
  const problems: string[] = [];
  const wants: Readonly<Record<string, number>>[] = 'width' in b ? b.cases.map((c) => fullTxDelta(c.delta)) : b.cases.map((c) => fullRxDelta(c.delta));
  const gots: readonly Readonly<Record<string, number>>[] = b.model.deltas;
  b.cases.forEach((c, i) => {
    const span = b.comp.spans[i];
    c.verdicts.forEach((v, k) => {
      const got = b.model.verdicts[span.start + k];
      if (v !== null && got !== v) problems.push(`${c.id}: frame ${k} is ${got}, the class defines ${v}`);
    });
    for (const [k, want] of Object.entries(wants[i])) {
      if (gots[i][k] !== want) problems.push(`${c.id}: counter ${k} moved by ${gots[i][k]}, the class defines ${want}`);
    }
  });
  return problems;
}
