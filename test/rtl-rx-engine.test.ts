// RX engine RTL (tlsnic_rx_engine) against the golden model (models/nic-rx.ts): every output frame
// (packets with their decrypted mark, events) byte for byte and in order, and every counter. The
// stimulus is the exact frame sequence a closed-loop model run consumed (run.inputs, kernel
// resync answers included), replayed into the RTL and into a fresh model with the same config.
// Context ids are renumbered densely so the builds can use a 16-entry context table.
import { beforeAll, describe, expect, test } from 'vitest';
import { compactCtxIds, compareRxRun, runRxModel } from '../harness/rx-compare.ts';
import { DEFAULT_RX_SCENARIO, generateRxScenario, runRxScenario, type RxScenarioConfig } from '../harness/rx-scenario.ts';
import { buildRxEngineSim, runRxEngine, type RxWidth } from '../harness/rx-sim.ts';
import type { NicRxConfig } from '../models/nic-rx.ts';
import { RxInKind, rxDeleteFrame, rxPacketFrame, rxResyncFrame, type RxFrame } from '../models/rx-frames.ts';

const N_CTX = 16;
const NIC: NicRxConfig = { nCtx: N_CTX, buckets: 8, ways: 2 };
const WIDTHS: RxWidth[] = [128, 512];
const bins = new Map<RxWidth, string>();

beforeAll(async () => {
  // Sequentially: the two cores are shared.
  for (const w of WIDTHS) bins.set(w, await buildRxEngineSim({ width: w, nCtx: N_CTX, buckets: NIC.buckets, ways: NIC.ways }));
}, 1_200_000);

/** Closed-loop model run (engine ⇄ kernel), then the consumed frames with dense context ids. */
function scenarioInputs(cfg: RxScenarioConfig, latency: number): RxFrame[] {
  const run = runRxScenario(generateRxScenario(cfg), { nic: { ...NIC, nCtx: 65536 }, latency });
  return compactCtxIds(run.inputs, N_CTX);
}

async function expectMatch(w: RxWidth, frames: RxFrame[], label: string, seed = 1) {
  const model = runRxModel(frames, NIC);
  const rtl = await runRxEngine(bins.get(w)!, frames, { seed, gapPermille: 100, stallPermille: 100 });
  const mm = compareRxRun(model, rtl);
  expect(mm?.message ?? null, `${label} W=${w}`).toBeNull();
  return { model, rtl };
}

const IN_ORDER: RxScenarioConfig = {
  ...DEFAULT_RX_SCENARIO, flows: 4, bytesPerFlow: 20_000, loss: 0, spurious: 0, badChecksum: 0, installLag: 0, deleteAtEnd: 0.5,
};

describe.each(WIDTHS)('RX engine RTL W=%i', (w) => {
  test('in-order traffic (both TLS versions, AES-128/256, IPv4/IPv6, VLAN, plain and non-TCP frames)', async () => {
    for (const seed of [11, 12]) {
      console.log(`rtl-rx in-order seed ${seed} W=${w}`);
      const frames = scenarioInputs({ ...IN_ORDER, seed }, 0);
      const { model, rtl } = await expectMatch(w, frames, `in-order seed ${seed}`, seed);
      expect(model.counters.rx_tls_decrypted_packets).toBeGreaterThan(10);
      expect(rtl.counters.rx_tls_ctx).toBeGreaterThan(0);
    }
  }, 300_000);
});
