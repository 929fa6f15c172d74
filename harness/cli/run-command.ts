// `tlsnic run`: the TX half (harness/tx/run.ts: a seeded TX scenario through the driver model and
// the NIC TX golden model, the independent stream oracle, the same frames through the
// Verilator-built RTL engine, compared packet for packet and counter for counter, throughput and
// latency in cycles, on a mismatch the first difference and an FST waveform of the cycles around
// it), then the same for RX with the same seed (harness/rx/run.ts): the RX scenario through the
// closed loop engine model ⇄ kernel model, the oracle, the consumed frames through the RX RTL and
// a fresh model, compared. Writes summary.json; PASS only when both directions pass. The options
// are in harness/cli/run-options.ts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTxPart } from '../tx/run.ts';
import { runRxPart } from '../rx/run.ts';
import type { RunOptions } from './run-options.ts';

const say = (s: string) => process.stdout.write(s + '\n');
const line = (k: string, v: string | number) => say(`  ${k.padEnd(30)} ${v}`);

export async function runCommand(o: RunOptions): Promise<number> {
  const dirs = o.direction === 'both' ? 'TX and RX' : o.direction.toUpperCase();
  say(`tlsnic run: ${dirs}, seed ${o.seed}, loss ${o.loss}, records ≤ ${o.recordSizes.join('/')}, mss ${o.mss}${o.faults ? ', faults' : ''}${o.streamOffset ? `, stream offset ${o.streamOffset}` : ''}, engine ${o.engine}${o.engine === 'rtl' ? ` W=${o.width}` : ''}`);
  mkdirSync(o.out, { recursive: true });
  const tx = o.direction === 'rx' ? null : await runTxPart(o);
  let rx = null;
  if (o.direction !== 'tx') {
    say('');
    say(`RX: ${o.rxFlows} random connections × ${o.rxBytesPerFlow} bytes + 2 directed (header loss → scan resync, tag corruption)`);
    rx = await runRxPart({ ...o, flows: o.rxFlows, bytesPerFlow: o.rxBytesPerFlow });
    if (rx.rtlReport.length > 0) {
      say('');
      say('RX RTL engine (compared with the golden model):');
      for (const [k, v] of rx.rtlReport) line(k, v);
    }
    say('');
    say('RX traffic and counters:');
    for (const [k, v] of rx.report) line(k, v);
    line('output', `${join(o.out, 'rx-input.pcap')}, rx-output.pcap`);
  }
  const problems = [...(tx?.problems ?? []), ...(rx?.problems ?? [])];
  const summary = {
    seed: o.seed,
    options: o,
    direction: o.direction,
    ...(tx?.summary ?? {}),
    rx: rx?.summary ?? null,
    problems,
    result: problems.length === 0 ? 'PASS' : 'FAIL',
  };
  writeFileSync(join(o.out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  say('');
  say(`summary: ${join(o.out, 'summary.json')}`);
  if (problems.length > 0) {
    for (const p of problems) say(`FAIL: ${p}`);
    return 1;
  }
  say('PASS');
  return 0;
}
