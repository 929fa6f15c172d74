// The per-context memory report (harness/synth/memory.ts, `tlsnic memory`): the table widths it
// synthesizes are the engines' (the key-table layouts, which test/rtl-key-hygiene.test.ts ties to
// the RTL), and a real Yosys run maps a context table to the URAM288 count its shape needs — a
// table that fell apart into flip-flops or LUT RAM would fail. The design-point run itself
// (N_CTX = 65,536, about 4 minutes) is `tlsnic memory`; docs/fpga-handoff.md quotes it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../harness/cli/cli.ts';
import { synthTable, tableSpecs } from '../harness/synth/memory.ts';

describe('per-context memory report', () => {
  it('lists every per-connection table of both engines with the engines\' entry widths', () => {
    const specs = tableSpecs(65_536, 16_384);
    expect(specs.map((s) => `${s.engine} ${s.name}`)).toEqual([
      'TX tlsnic_tx_front.u_ctx', 'TX tlsnic_gcm_back.u_ctx', 'TX tlsnic_gcm_back.u_htbl',
      'RX tlsnic_rx_front.u_ctx', 'RX tlsnic_gcm_back.u_ctx', 'RX tlsnic_gcm_back.u_htbl', 'RX tlsnic_rx_cuckoo',
    ]);
    // Issue 16: no H powers, nonce, partial block or E_K(J0) per context any more.
    expect(specs.filter((s) => s.engine === 'TX').reduce((n, s) => n + s.perContext, 0)).toBe(965 + 257 + 128);
    expect(specs.find((s) => s.name === 'tlsnic_rx_front.u_ctx')!.bits).toBe(621);   // the stored form (rctx_mem_t)
    // Flow table: 4 slots a bucket of {valid, 296-bit key, ctx id, hx (log2 NB)}.
    expect(specs.at(-1)!.entries).toBe(65_536);
    expect(specs.at(-1)!.bits).toBe(1 + 296 + 16 + 14);
  });

  it('maps the TX front table at 4,096 contexts to ceil(965 / 72) = 14 URAM288 and nothing else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlsnic-mem-'));
    try {
      const spec = tableSpecs(4096, 1024)[0];
      const r = await synthTable(spec, 4096, 1024, dir);
      expect(r.uram288).toBe(Math.ceil(965 / 72));
      expect(r.ramb36 + r.ramb18).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  it('maps the RX flow table\'s way RAMs to block RAM (ram_style), no URAM288', async () => {
    // The design point's buckets (NB = 16,384: eight way RAMs of 8,192 × 327 bits), few ids. Both
    // ports of a way RAM are used (lookup; sequencer read/write), so a RAMB36 is at most 36 bits
    // wide: ceil(327 / 36) = 10 columns of 36 bits × 8 deep each, less what Yosys fits in RAMB18
    // halves. Without the attribute, URAM288 (8,192 deep × 72 wide: 2 × 5 each) would take them;
    // at 65,536 ids the slot map becomes URAM288 (4 of them, `tlsnic memory`).
    const dir = mkdtempSync(join(tmpdir(), 'tlsnic-mem-'));
    try {
      const spec = tableSpecs(4096, 16_384).at(-1)!;
      const r = await synthTable(spec, 4096, 16_384, dir);
      expect(r.ramb36 + r.ramb18 / 2).toBeGreaterThanOrEqual(8 * 8 * Math.ceil(327 / 36) - 8 * 8);
      expect(r.uram288, 'no UltraRAM (the slot map, 4,096 × 18, is block RAM too at this size)').toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  it('tlsnic memory: bad usage exits 2 with a message', async () => {
    expect(await main(['memory', '--n-ctx', '1000'])).toBe(2);
    expect(await main(['memory', '--buckets', '32768'])).toBe(2);
    expect(await main(['memory', 'extra'])).toBe(2);
  });
});
