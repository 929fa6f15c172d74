// The `tlsnic` CLI on small inputs: exit statuses, outputs written, errors on bad usage.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';
import { readPcap } from '../models/pcap.ts';
import { parseBenchArgs } from '../harness/cli/bench-command.ts';

const cli = (args: string[]) => execa('node', ['bin/tlsnic.mjs', ...args], { reject: false });

describe('tlsnic CLI', () => {
  test('run: small scenario passes, writes pcaps and summary (TX and RX)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tlsnic-run-'));
    const r = await cli(['run', '--seed', '5', '--flows', '3', '--bytes', '5000', '--loss', '0.1', '--rx-flows', '2', '--rx-bytes', '8000', '--out', out]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^PASS$/m);
    expect(r.stdout).toMatch(/seed 5/);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.result).toBe('PASS');
    expect(summary.direction).toBe('both');
    expect(summary.records).toBe(summary.recordsVerified);
    expect(readPcap(readFileSync(join(out, 'output.pcap'))).length).toBe(summary.packetsOut);
    expect(readPcap(readFileSync(join(out, 'input.pcap'))).length).toBe(summary.packetsIn);
    // RX: the same seed, its own pcaps, the RTL compared with the model.
    const rx = summary.rx;
    expect(rx.result).toBe('PASS');
    expect(rx.connections).toBe(4);
    expect(rx.rtl.mismatch).toBeNull();
    expect(rx.packetsOut).toBe(rx.packetsIn);
    expect(readPcap(readFileSync(join(out, 'rx-input.pcap'))).length).toBe(rx.packetsIn);
    expect(readPcap(readFileSync(join(out, 'rx-output.pcap'))).length).toBe(rx.packetsOut);
    expect(rx.counters.rx_tls_decrypted_packets).toBe(rx.packetsMarked);
    expect(r.stdout).toMatch(/RX RTL engine \(compared with the golden model\)/);
    expect(r.stdout).toMatch(/^ {2}rx_tls_resync_res_ok +\d+$/m);
  });

  test('run is deterministic for a seed (TX and RX)', async () => {
    const [a, b] = [mkdtempSync(join(tmpdir(), 'tlsnic-a-')), mkdtempSync(join(tmpdir(), 'tlsnic-b-'))];
    const args = ['run', '--seed', '11', '--flows', '2', '--bytes', '3000', '--rx-flows', '1', '--rx-bytes', '5000', '--width', '128'];
    await cli([...args, '--out', a]);
    await cli([...args, '--out', b]);
    for (const f of ['output.pcap', 'rx-input.pcap', 'rx-output.pcap']) expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f).toBe(true);
  });

  test('run --direction rx: loss, reordering, a scan resync the kernel confirms and a corrupted tag all happen; throughput printed', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tlsnic-rx-'));
    const r = await cli(['run', '--direction', 'rx', '--seed', '3', '--rx-flows', '3', '--rx-bytes', '30000', '--loss', '0.05', '--width', '128', '--gap', '50', '--stall', '100', '--out', out]);
    expect(r.exitCode, r.stdout.slice(-3000)).toBe(0);
    expect(existsSync(join(out, 'output.pcap'))).toBe(false);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(s.result).toBe('PASS');
    const c = s.rx.counters;
    expect(c.rx_tls_gap_packets).toBeGreaterThan(0); // loss and reordering
    expect(c.rx_tls_sync_lost).toBeGreaterThan(0); // a header was lost
    expect(c.rx_tls_resync_req_start).toBeGreaterThan(0); // the scan locked
    expect(c.rx_tls_resync_req_pkt).toBeGreaterThan(0); // and asked
    expect(c.rx_tls_resync_res_ok).toBeGreaterThan(0); // and the kernel confirmed
    expect(s.rx.kernel.confirms).toBeGreaterThan(0);
    expect(c.rx_tls_err).toBeGreaterThan(0); // the corrupted tag
    expect(s.rx.corruptedRecords).toBe(1);
    expect(s.rx.recordsVerified).toBeLessThan(s.rx.records);
    expect(s.rx.rtl.throughput.beatsPerCycle).toBeGreaterThan(0);
    expect(r.stdout).toMatch(/input beats \/ cycle +\d\.\d{3}/);
    expect(r.stdout).toMatch(/decrypted bytes \/ cycle +[\d.]+ \([\d.]+ Gb\/s at 250 MHz\)/);
  });

  test('run --direction tx: no RX part', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tlsnic-tx-'));
    const r = await cli(['run', '--direction', 'tx', '--seed', '4', '--flows', '2', '--bytes', '3000', '--out', out]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(existsSync(join(out, 'rx-output.pcap'))).toBe(false);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).rx).toBeNull();
  });

  test('run: an RX RTL/model difference is reported with the frame, context and byte, exit 1', async () => {
    // Harness self-test hook: the RX RTL's output frame 12 gets its last byte flipped before the comparison.
    const out = mkdtempSync(join(tmpdir(), 'tlsnic-rxmm-'));
    const r = await execa('node', ['bin/tlsnic.mjs', 'run', '--direction', 'rx', '--seed', '2', '--rx-flows', '1', '--rx-bytes', '5000', '--width', '128', '--out', out], {
      reject: false,
      env: { TLSNIC_RX_CORRUPT_OUTPUT: '12' },
    });
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^FAIL: RX RTL vs golden model: first mismatch at input frame \d+, (context \d+ \(scenario ctx \d+, flow \d+\)|no context[^,]*), output 12; at frame byte \d+.*: expected [0-9a-f]+, got [0-9a-f]+$/m);
    expect(r.stdout).toMatch(/output 12 \(from input frame \d+, verdict \w+\): expected .* got .*first difference at byte \d+/);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).result).toBe('FAIL');
  });

  test.each([
    [['frobnicate']],
    [['run', '--loss', '2']],
    [['run', '--flows', 'x']],
    [['run', '--record-size', '0']],
    [['run', '--no-such-option']],
    [['run', '--direction', 'sideways']],
    [['run', '--rx-flows', '0']],
  ])('bad usage %j: message and exit 2', async (args) => {
    const out = mkdtempSync(join(tmpdir(), 'tlsnic-bad-'));
    const r = await cli([...args, '--out', out]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^tlsnic: /);
    expect(existsSync(join(out, 'summary.json'))).toBe(false);
  });

  test('run: an RTL/model difference is reported with the packet and a waveform, exit 1', async () => {
    // The bench flips the last byte of output packet 3 as it reports it (a harness self-test hook).
    const out = mkdtempSync(join(tmpdir(), 'tlsnic-mm-'));
    const r = await execa('node', ['bin/tlsnic.mjs', 'run', '--seed', '9', '--flows', '2', '--bytes', '4000', '--width', '128', '--out', out], {
      reject: false,
      env: { TLSNIC_CORRUPT_PACKET: '3' },
    });
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/FAIL: RTL vs golden model: output packet 3 .*differs at byte/);
    const fst = join(out, 'mismatch.fst');
    expect(existsSync(fst)).toBe(true);
    expect(readFileSync(fst).length).toBeGreaterThan(1000);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).result).toBe('FAIL');
  });

  test('bench --quick: every row checked against the model, bench.json and bench.md written', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tlsnic-bench-'));
    const r = await cli(['bench', '--quick', '--width', '128', '--out', out]);
    expect(r.exitCode, r.stdout.slice(-2000)).toBe(0);
    const bench = JSON.parse(readFileSync(join(out, 'bench.json'), 'utf8'));
    // 4 packet sizes × 3 record sizes × 5 retransmission rows (in order; 1 % and 10 % by prefix
    // replay; 1 % and 10 % by SEEK descriptors).
    expect(bench.rows.length).toBe(60);
    expect(bench.rows.filter((row: { retrans: string }) => row.retrans.endsWith('seek')).length).toBe(24);
    for (const row of bench.rows) {
      expect(row).toMatchObject({ width: 128, match: true });
      for (const k of ['packetBytes', 'recordBytes', 'lossPct', 'cycles', 'beats', 'wireBytes', 'beatsPerCycle']) expect(typeof row[k]).toBe('number');
      expect(row.beatsPerCycle).toBeGreaterThan(0.5);
      expect(row.beatsPerCycle).toBeLessThanOrEqual(1);
    }
    expect(readFileSync(join(out, 'bench.md'), 'utf8')).toMatch(/Gb\/s @250 MHz/);
  });

  test('help lists the commands with examples', async () => {
    const r = await cli(['--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/tlsnic run/);
    expect(r.stdout).toMatch(/--direction tx\|rx\|both/);
    expect(r.stdout).toMatch(/--rx-flows N/);
    expect(r.stdout).toMatch(/Examples:/);
  });
});

describe('tlsnic bench --direction', () => {
  test('parsing: tx by default, --direction taken off the arguments each bench parses', () => {
    expect(parseBenchArgs(['--quick', '--width', '128'])).toEqual({ direction: 'tx', rest: ['--quick', '--width', '128'] });
    expect(parseBenchArgs(['--direction', 'rx', '--quick'])).toEqual({ direction: 'rx', rest: ['--quick'] });
    expect(parseBenchArgs(['--quick', '--direction=both', '--out', 'o'])).toEqual({ direction: 'both', rest: ['--quick', '--out', 'o'] });
    expect(parseBenchArgs(['--direction', 'tx', '--stub', '--widths', '512'])).toEqual({ direction: 'tx', rest: ['--stub', '--widths', '512'] });
    expect(() => parseBenchArgs(['--direction', 'sideways'])).toThrow(/--direction must be tx, rx or both, got 'sideways'/);
    expect(() => parseBenchArgs(['--direction', 'rx', '--stub'])).toThrow(/--stub/);
    expect(() => parseBenchArgs(['--direction', 'both', '--widths', '128'])).toThrow(/--widths/);
    expect(() => parseBenchArgs(['--bogus'])).toThrow(/bogus/);
  });

  test('CLI: bad --direction exits 2 with a message, bench --help lists the option', async () => {
    const r = await cli(['bench', '--direction', 'sideways']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^tlsnic: --direction must be tx, rx or both/);
    const s = await cli(['bench', '--direction', 'rx', '--stub']);
    expect(s.exitCode).toBe(2);
    const h = await cli(['bench', '--help']);
    expect(h.exitCode).toBe(0);
    expect(h.stdout).toMatch(/--direction tx\|rx\|both/);
    expect(h.stdout).toMatch(/bench-rx\.json/);
  });
});

describe('tlsnic bench --rx-table', () => {
  test('RTL table filled past its first failure with a lookup every cycle: figures written, RTL = model, none lost', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tlsnic-rxt-'));
    const r = await cli(['bench', '--rx-table', '--ctx', '256', '--seed', '3', '--out', out]);
    expect(r.exitCode, r.stderr).toBe(0);
    const f = JSON.parse(readFileSync(join(out, 'rx-table.json'), 'utf8'));
    for (const k of ['nCtx', 'engine', 'installsBeforeFirstFailure', 'loadAtFirstFailure', 'finalLoad', 'maxInstallCycles',
      'meanInstallCycles', 'lookupsPerCycle', 'packetsLost']) expect(f).toHaveProperty(k);
    expect(f).toMatchObject({ nCtx: 256, engine: 'rtl', matchesModel: true, packetsLost: 0, falseHits: 0, lookupsPerCycle: 1 });
    expect(f.loadAtFirstFailure).toBeGreaterThanOrEqual(0.95);
    expect(f.lookups).toBeGreaterThan(256 * 5);
    expect(readFileSync(join(out, 'rx-table.md'), 'utf8')).toMatch(/installs\/s at 250 MHz/);
    const m = await cli(['bench', '--rx-table', '--ctx', '256', '--seed', '3', '--engine', 'model', '--out', out]);
    expect(m.exitCode).toBe(0);
    const g = JSON.parse(readFileSync(join(out, 'rx-table.json'), 'utf8'));
    expect(g.installsBeforeFirstFailure).toBe(f.installsBeforeFirstFailure);   // the same placements
    expect(g.finalLoad).toBe(f.finalLoad);
  }, 300_000);

  test('bad --ctx / --engine exit 2 with a message', async () => {
    for (const args of [['--ctx', '100'], ['--ctx', '8'], ['--engine', 'fpga'], ['--bogus']]) {
      const r = await cli(['bench', '--rx-table', ...args]);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^tlsnic: /);
    }
  });
});
