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

  test('help lists the commands with examples', async () => {
    const r = await cli(['--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/tlsnic run/);
    expect(r.stdout).toMatch(/Examples:/);
  });
});
