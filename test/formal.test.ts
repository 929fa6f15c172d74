// Formal checks in npm test (issue 18; scripts/formal.sh, docs/architecture.md "Formal proof"):
// the TCP sequence compares (seq_lt, seq_leq, too_far) equal their definitions for all 2^64
// inputs (Yosys + yosys-smtbmc + z3, a complete proof, under a second), and the check is live: a
// deliberately broken seq_lt gives a counterexample. The record tracker's bounded model check
// and its mutants take about 2.5 minutes (a 33 s model build per run), over the 2-minute budget
// of npm test, so they run in `make formal`.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../harness/engine/build-sim.ts';

async function formal(args: string[]): Promise<{ code: number; out: string }> {
  const r = await execa('bash', ['scripts/formal.sh', ...args], { cwd: REPO_ROOT, reject: false, all: true });
  return { code: r.exitCode ?? -1, out: String(r.all ?? '') };
}

describe('formal checks (scripts/formal.sh --part seq)', () => {
  it('the sequence compares are proven for all inputs', async () => {
    const r = await formal(['--part', 'seq']);
    expect(r.out, r.out).toMatch(/formal: seq: PASS/);
    expect(r.code, r.out).toBe(0);
  }, 120_000);

  it('broken variant seq-lt (>= for > in seq_lt): the solver finds a counterexample', async () => {
    const r = await formal(['--mutant', 'seq-lt']);
    expect(r.out, r.out).toMatch(/formal: seq: FAIL: counterexample/);
    expect(r.code, r.out).toBe(1);
    expect(existsSync(join(REPO_ROOT, 'build/formal/seq-lt/seq-cex.vcd'))).toBe(true);
  }, 120_000);
});
