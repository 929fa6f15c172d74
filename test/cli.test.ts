// The `tlsnic` CLI on small inputs: exit statuses, outputs written, errors on bad usage.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';
import { readPcap } from '../models/pcap.ts';

const cli = (args: string[]) => execa('node', ['bin/tlsnic.mjs', ...args], { reject: false });

describe('tlsnic CLI', () => {
  test('run: small scenario passes, writes pcaps and summary', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tlsnic-run-'));
    const r = await cli(['run', '--seed', '5', '--flows', '3', '--bytes', '5000', '--loss', '0.1', '--out', out]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^PASS$/m);
    expect(r.stdout).toMatch(/seed 5/);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.result).toBe('PASS');
    expect(summary.records).toBe(summary.recordsVerified);
    expect(readPcap(readFileSync(join(out, 'output.pcap'))).length).toBe(summary.packetsOut);
    expect(readPcap(readFileSync(join(out, 'input.pcap'))).length).toBe(summary.packetsIn);
  });

  test('run is deterministic for a seed', async () => {
    const [a, b] = [mkdtempSync(join(tmpdir(), 'tlsnic-a-')), mkdtempSync(join(tmpdir(), 'tlsnic-b-'))];
    await cli(['run', '--seed', '11', '--flows', '2', '--bytes', '3000', '--out', a]);
    await cli(['run', '--seed', '11', '--flows', '2', '--bytes', '3000', '--out', b]);
    expect(readFileSync(join(a, 'output.pcap')).equals(readFileSync(join(b, 'output.pcap')))).toBe(true);
  });

  test.each([
    [['frobnicate']],
    [['run', '--loss', '2']],
    [['run', '--flows', 'x']],
    [['run', '--record-size', '0']],
    [['run', '--no-such-option']],
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
    expect(bench.rows.length).toBe(36);
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
    expect(r.stdout).toMatch(/Examples:/);
  });
});
