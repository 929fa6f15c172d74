// Elaboration-time parameter checks ($fatal in each block, docs/architecture.md "Shared blocks"):
// a configuration outside what the RTL supports stops elaboration with a message naming the
// block and the parameter, in Verilator and in Yosys alike; the supported corners elaborate.
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { readFileList, REPO_ROOT } from '../harness/engine/build-sim.ts';
import { verilatorLint } from '../harness/engine/rtl-checks.ts';
import { FT_SOURCES } from '../harness/rx/flow-table-sim.ts';

const TX = readFileList('rtl/tx/tlsnic_tx_engine.f');
const RX = readFileList('rtl/rx/tlsnic_rx_engine.f');
const FB = ['rtl/common/tlsnic_frame_buf.sv'];

const bad: Array<{ top: string; sources: string[]; params: Record<string, number>; message: RegExp }> = [
  { top: 'tlsnic_tx_engine', sources: TX, params: { W: 192 }, message: /W = 192; the beat must be 128, 256 or 512 bits/ },
  { top: 'tlsnic_tx_engine', sources: TX, params: { W: 128, N_CTX: 70000 }, message: /N_CTX = 70000; context ids are 16 bits/ },
  { top: 'tlsnic_tx_engine', sources: TX, params: { W: 128, MAX_FRAME: 40 }, message: /MAX_FRAME = 40; an Ethernet frame is 64 to 65,553 bytes/ },
  { top: 'tlsnic_rx_engine', sources: RX, params: { W: 128, BUCKETS: 6 }, message: /tlsnic_rx_cuckoo: NB = 6; a power of two, 4 to 16,384 buckets/ },
  { top: 'tlsnic_rx_engine', sources: RX, params: { W: 128, BUCKETS: 2 }, message: /tlsnic_rx_cuckoo: NB = 2; a power of two, 4 to 16,384 buckets/ },
  { top: 'tlsnic_rx_engine', sources: RX, params: { W: 128, MAX_FRAME: 70000 }, message: /MAX_FRAME = 70000/ },
  // The output buffer's feature switches: a released beat cannot be dropped or patched afterwards.
  { top: 'tlsnic_frame_buf', sources: FB, params: { W: 128, DEPTH: 2048, MAX_BEATS: 600, DROP: 1, RELEASE: 1 }, message: /tlsnic_frame_buf: RELEASE with DROP = 1 \/ PATCH = 0/ },
  { top: 'tlsnic_frame_buf', sources: FB, params: { W: 128, DEPTH: 1024, MAX_BEATS: 600, ALT: 1 }, message: /tlsnic_frame_buf: DEPTH = 1024; a power of two holding two frames of MAX_BEATS = 600/ },
];

describe('parameter checks', () => {
  for (const b of bad) {
    it(`Verilator stops ${b.top} at ${JSON.stringify(b.params)}`, async () => {
      const r = await verilatorLint({ top: b.top, sources: b.sources, params: b.params });
      expect(r.ok).toBe(false);
      expect(r.output).toMatch(b.message);
    }, 60_000);
  }

  it('the supported corners elaborate (W = 128 with 1 context, W = 512 with 65,536)', async () => {
    for (const params of [{ W: 128, N_CTX: 1 }, { W: 512, N_CTX: 65536 }]) {
      const r = await verilatorLint({ top: 'tlsnic_tx_engine', sources: TX, params });
      expect(r.output, JSON.stringify(params)).toBe('');
    }
  }, 120_000);

  it('Yosys stops a block on the same check (tlsnic_rx_cuckoo, NB = 6)', async () => {
    const script = `read_verilog -sv ${FT_SOURCES.join(' ')}; `
      + 'chparam -set NB 6 tlsnic_rx_cuckoo; hierarchy -top tlsnic_rx_cuckoo';
    const r = await execa('yosys', ['-q', '-p', script], { cwd: REPO_ROOT, reject: false, all: true });
    expect(r.exitCode).not.toBe(0);
    expect(String(r.all ?? '')).toMatch(/tlsnic_rx_cuckoo\.sv:\d+: ERROR: FATAL/);
  }, 120_000);
});
