// The coverage floors (docs/architecture.md "Coverage"), enforced on the default regression: the
// same run as `tlsnic coverage --lines-only` (coverage builds of both engines at W = 128, lines
// and cover points; the scenario runs, the bad-input catalogue, the RX directed classes and the
// flow table alone, each compared with the golden model), then
//   * engine RTL lines reached ≥ 95 %,
//   * every functional cover point of the RTL hit,
//   * every line not reached waived in docs/coverage-waivers.json with a reason, and no stale
//     waiver.
// The figures are in build/coverage-floor/summary.md after a run (and in the README).
import { expect, test } from 'vitest';
import { join } from 'node:path';
import { COVERAGE_DEFAULTS, runCoverage } from '../harness/coverage/run.ts';
import { REPO_ROOT } from '../harness/engine/build-sim.ts';
import { LINE_FLOOR } from '../harness/coverage/floors.ts';

test('coverage of the default regression: lines ≥ 95 %, every cover point hit, every unreached line waived', async () => {
  const r = await runCoverage({ ...COVERAGE_DEFAULTS, toggles: false, out: join(REPO_ROOT, 'build', 'coverage-floor') }, (l) => console.log(`coverage: ${l}`));
  expect(r.problems, 'the regression runs (model ⇄ RTL)').toEqual([]);
  const { lines, points } = r.summary.total;
  console.log(`coverage: lines ${lines.hit} / ${lines.total}, cover points ${points.hit} / ${points.total}, lines waived ${r.floors?.missedLines.length}`);
  // Both engines' RTL is in the data (a build without coverage would leave it empty).
  expect(r.summary.modules.map((m) => m.module)).toEqual(expect.arrayContaining(['tlsnic_tx_front', 'tlsnic_rx_front', 'tlsnic_gcm_back', 'tlsnic_rec_track']));
  expect(points.total).toBeGreaterThanOrEqual(80);
  expect(r.floors?.problems).toEqual([]);
  expect(r.floors?.lines.share).toBeGreaterThanOrEqual(LINE_FLOOR);
}, 2_400_000);
