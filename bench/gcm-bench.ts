// Benchmark of the AES-GCM core (not a test): for LANES = 1, 2, 4 prints blocks/cycle, latency,
// key-install cycles and Verilator simulated cycles per second of the AES pipeline, the GHASH
// unit and the whole datapath. Run: `npx tsx bench/gcm-bench.ts [--sbox]` or `make bench-gcm`.
// --sbox also compares the S-box coding styles on the LANES=1 AES pipeline (one extra build
// each; the function-case style takes minutes to compile).
import { createPrng } from '../models/prng.ts';
import { gcmBeatRecord, scheduleBeats, type GcmConnection } from '../harness/gcm/beats.ts';
import { buildAesSim, buildGcmSim, buildGhashSim, type Lanes, type SboxStyle } from '../harness/gcm/sims.ts';
import { hex, lanesToHex } from '../harness/gcm/lane-hex.ts';
import { runSim } from '../harness/engine/sim-process.ts';

const NO_STALLS = { seed: 1, gapPermille: 0, stallPermille: 0 };

interface Row {
  lanes: number;
  block: string;
  scenario: string;
  blocksPerCycle: number;
  latency: string;
  install: string;
  simCyclesPerSec: number;
}

function latencyOf(lines: string[][]): string {
  const s = new Set(lines.map((f) => Number(f[3]) - Number(f[2])));
  return [...s].sort((a, b) => a - b).join('/');
}

async function benchAes(lanes: Lanes, sbox: SboxStyle = 'case'): Promise<Row> {
  const bin = await buildAesSim(lanes, sbox);
  const rng = createPrng(lanes);
  const beats = 100_000;
  const records: string[] = [];
  for (let i = 0; i < beats; i++) {
    const k256 = rng.chance(0.5);
    records.push(`${k256 ? 1 : 0} ${hex(rng.bytes(32))} ${lanesToHex(Array.from({ length: lanes }, () => rng.bytes(16)), lanes)}`);
  }
  const res = await runSim(bin, { stalls: NO_STALLS, records });
  return {
    lanes, block: `aes_pipe${sbox === 'case' ? '' : ` (sbox ${sbox})`}`, scenario: 'new key every beat',
    blocksPerCycle: (beats * lanes) / res.cycles, latency: latencyOf(res.lines), install: '-',
    simCyclesPerSec: res.cycles / res.simSeconds,
  };
}

async function benchGhash(lanes: Lanes): Promise<Row> {
  const bin = await buildGhashSim(lanes);
  const rng = createPrng(lanes);
  const beats = 100_000;
  const records: string[] = [];
  const h = rng.bytes(16);
  for (let i = 0; i < beats; i++) {
    const chain = i % 64 !== 0;
    records.push(`${hex(h)} ${lanes} ${chain ? 1 : 0} ${hex(rng.bytes(16))} ${lanesToHex(Array.from({ length: lanes }, () => rng.bytes(16)), lanes)}`);
  }
  const res = await runSim(bin, { stalls: NO_STALLS, records });
  return {
    lanes, block: 'ghash (+powers)', scenario: 'full beats, chained',
    blocksPerCycle: (beats * lanes) / res.cycles, latency: latencyOf(res.lines), install: '-',
    simCyclesPerSec: res.cycles / res.simSeconds,
  };
}

async function benchGcm(lanes: Lanes, interleave: boolean): Promise<Row> {
  const bin = await buildGcmSim(lanes);
  const rng = createPrng(lanes * 7 + (interleave ? 1 : 0));
  // 9000-byte jumbo-frame-sized records: the common case of one flow streaming.
  const conns: GcmConnection[] = Array.from({ length: 16 }, (_, i) => ({
    key: rng.bytes(i % 2 ? 16 : 32),
    messages: Array.from({ length: 4 }, () => ({ iv: rng.bytes(12), aad: rng.bytes(13), plaintext: rng.bytes(9000), decrypt: false })),
  }));
  const beats = scheduleBeats(conns, rng, { lanes, switchChance: interleave ? 1 : 0, active: interleave ? 8 : 1, fullBeats: true });
  const res = await runSim(bin, { stalls: NO_STALLS, records: beats.map((b) => gcmBeatRecord(b.beat, lanes)) });
  const blocks = beats.reduce((n, b) => n + b.beat.blocks.length, 0);
  const installs = res.lines.filter((f) => (Number(f[4]) & 2) !== 0);
  const installLat = latencyOf(installs);
  return {
    lanes, block: 'gcm_datapath', scenario: interleave ? '8 flows, switch every beat' : '1 flow streaming',
    blocksPerCycle: blocks / res.cycles, latency: latencyOf(res.lines),
    install: `1 slot, H after ${installLat}`,
    simCyclesPerSec: res.cycles / res.simSeconds,
  };
}

function printTable(rows: Row[]): void {
  const head = ['LANES', 'block', 'scenario', 'blocks/cycle', 'latency (cycles)', 'key install', 'sim cycles/s'];
  const body = rows.map((r) => [String(r.lanes), r.block, r.scenario, r.blocksPerCycle.toFixed(3), r.latency, r.install, Math.round(r.simCyclesPerSec).toLocaleString('en-US')]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] as string).length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(w[i] as number)).join(' | ') + ' |';
  console.log(line(head));
  console.log('|' + w.map((x) => '-'.repeat(x + 2)).join('|') + '|');
  for (const b of body) console.log(line(b));
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const lanes of [1, 2, 4] as Lanes[]) {
    rows.push(await benchAes(lanes));
    rows.push(await benchGhash(lanes));
    rows.push(await benchGcm(lanes, false));
    rows.push(await benchGcm(lanes, true));
  }
  if (process.argv.includes('--sbox')) {
    for (const s of ['lut', 'calc', 'fncase'] as SboxStyle[]) rows.push(await benchAes(1, s));
  }
  console.log('\nblocks/cycle = 16-byte blocks through the unit / simulated cycles (includes pipeline fill);');
  console.log('the datapath rows include one install beat per flow and partial last beats of each record.\n');
  printTable(rows);
}

await main();
