// `tlsnic run`: generate a seeded TX scenario, run it through the driver model and the NIC TX
// golden model, check the output with the independent stream oracle (every record decrypts,
// retransmissions equal first transmissions, checksums right), write pcaps and a summary.
// The RTL TX engine (issue 4) plugs in here as a second engine compared packet for packet.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FrameKind } from '../models/tx-frames.ts';
import { createNicTx, nicTxStep, TX_COUNTER_NAMES, type TxVerdict } from '../models/nic-tx.ts';
import { writePcap } from '../models/pcap.ts';
import { checkTxStreams } from './tx-check.ts';
import { DEFAULT_TX_SCENARIO, generateTxScenario } from './tx-scenario.ts';

export interface RunOptions {
  seed: number;
  flows: number;
  bytesPerFlow: number;
  loss: number;
  recordSizes: readonly number[];
  mss: number;
  faults: boolean;
  out: string;
}

export const RUN_DEFAULTS: RunOptions = {
  seed: 1,
  flows: 16,
  bytesPerFlow: 64_000,
  loss: 0.02,
  recordSizes: DEFAULT_TX_SCENARIO.recordSizes,
  mss: 1460,
  faults: false,
  out: 'out/run',
};

export async function runTxCommand(o: RunOptions): Promise<number> {
  const t0 = performance.now();
  const nCtx = Math.max(16, 2 ** Math.ceil(Math.log2(o.flows)));
  const scenario = generateTxScenario({ ...DEFAULT_TX_SCENARIO, ...o, nCtx });
  const tGen = performance.now();
  const nic = createNicTx({ nCtx });
  const sent: Uint8Array[] = [];
  const verdicts = new Map<TxVerdict, number>();
  for (const f of scenario.frames) {
    const r = nicTxStep(nic, f);
    verdicts.set(r.verdict, (verdicts.get(r.verdict) ?? 0) + 1);
    if (r.out) sent.push(r.out);
  }
  const tModel = performance.now();
  const check = checkTxStreams(scenario, sent);

  mkdirSync(o.out, { recursive: true });
  const inputPackets = scenario.frames.filter((f) => f.user.kind === FrameKind.PACKET).map((f) => f.data);
  writeFileSync(join(o.out, 'input.pcap'), writePcap(inputPackets.map((data, i) => ({ data, timestampUs: i }))));
  writeFileSync(join(o.out, 'output.pcap'), writePcap(sent.map((data, i) => ({ data, timestampUs: i }))));
  const records = scenario.flows.reduce((n, f) => n + f.records.length, 0);
  const summary = {
    seed: o.seed,
    options: o,
    frames: scenario.frames.length,
    packetsIn: inputPackets.length,
    packetsOut: sent.length,
    bytesIn: inputPackets.reduce((n, p) => n + p.length, 0),
    bytesOut: sent.reduce((n, p) => n + p.length, 0),
    records,
    recordsVerified: check.recordsVerified,
    verdicts: Object.fromEntries(verdicts),
    counters: nic.counters,
    problems: check.problems,
    result: check.ok ? 'PASS' : 'FAIL',
  };
  writeFileSync(join(o.out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');

  const line = (k: string, v: string | number) => process.stdout.write(`  ${k.padEnd(28)} ${v}\n`);
  process.stdout.write(`tlsnic run: seed ${o.seed}, ${o.flows} flows × ${o.bytesPerFlow} bytes, loss ${o.loss}, records ≤ ${o.recordSizes.join('/')}, mss ${o.mss}${o.faults ? ', faults' : ''}\n`);
  line('frames in (pkts+ctrl+resync)', summary.frames);
  line('packets in / out', `${summary.packetsIn} / ${summary.packetsOut}`);
  line('bytes in / out', `${summary.bytesIn} / ${summary.bytesOut}`);
  line('records (verified)', `${records} (${check.recordsVerified})`);
  for (const n of TX_COUNTER_NAMES) line(n, nic.counters[n]);
  line('golden model time', `${(tModel - tGen).toFixed(0)} ms (scenario ${(tGen - t0).toFixed(0)} ms)`);
  process.stdout.write('  engine                       golden model only: the RTL TX engine is not built yet (issue 4)\n');
  process.stdout.write(`  output                       ${join(o.out, 'input.pcap')}, output.pcap, summary.json\n`);
  if (!check.ok) {
    process.stdout.write(`FAIL: ${check.problems[0]}\n`);
    return 1;
  }
  process.stdout.write('PASS\n');
  return 0;
}
