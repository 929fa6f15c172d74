// The coverage floors `npm test` enforces on the default regression (test/coverage-floor.test.ts,
// `tlsnic coverage`; docs/architecture.md "Coverage"):
//   * engine RTL lines: at least LINE_FLOOR of them reached;
//   * every functional cover point hit;
//   * every line not reached is waived in docs/coverage-waivers.json with a reason, and every
//     waiver still names a line that is not reached (a waiver for a line the regression now
//     reaches, or whose text changed, is reported so the file stays true).
// A waiver names its line by file and text (the line's source, trimmed), not by number, so edits
// elsewhere in the file do not move it; a waiver covers every unreached line with that text.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CoverageSummary, MissedLine } from './summary.ts';

export const LINE_FLOOR = 0.95;
export const WAIVER_FILE = 'docs/coverage-waivers.json';

export interface Waiver {
  /** Path from the repository root (rtl/...). */
  file: string;
  /** The line's source text, trimmed. */
  text: string;
  /** Why the regression does not reach it, and what shows the line correct instead. */
  reason: string;
}

export function readWaivers(root: string): Waiver[] {
  const doc = JSON.parse(readFileSync(join(root, WAIVER_FILE), 'utf8')) as { waivers?: Waiver[] };
  return doc.waivers ?? [];
}

export interface FloorVerdict {
  lines: { hit: number; total: number; share: number };
  /** Lines not reached, each with its text and the waiver that covers it (if any). */
  missedLines: (MissedLine & { text: string; waived: boolean })[];
  problems: string[];
}

/**
 * Checks a summary against the floors. `source(file)` gives the text of an RTL file (from the
 * repository the data was taken from).
 */
export function checkFloors(s: CoverageSummary, waivers: readonly Waiver[], source: (file: string) => string): FloorVerdict {
  const problems: string[] = [];
  const { hit, total } = s.total.lines;
  const share = total === 0 ? 0 : hit / total;
  if (total === 0) problems.push('no line coverage data');
  else if (share < LINE_FLOOR) problems.push(`engine RTL lines ${hit} / ${total} (${(100 * share).toFixed(1)} %), below the floor of ${100 * LINE_FLOOR} %`);
  for (const m of s.modules) for (const p of m.missedPoints) problems.push(`cover point not hit: ${p}`);

  const texts = new Map<string, string[]>();
  const lineText = (l: MissedLine) => {
    let t = texts.get(l.file);
    if (!t) texts.set(l.file, (t = source(l.file).split('\n')));
    return (t[l.line - 1] ?? '').trim();
  };
  const used = new Set<Waiver>();
  const missedLines = s.modules.flatMap((m) => m.missedLines).map((l) => {
    const text = lineText(l);
    const w = waivers.find((x) => x.file === l.file && x.text.trim() === text);
    if (w) used.add(w);
    else problems.push(`line not reached and not waived: ${l.file}:${l.line} \`${text}\``);
    return { ...l, text, waived: w !== undefined };
  });
  for (const w of waivers) {
    if (!w.reason || w.reason.trim().length < 10) problems.push(`waiver without a reason: ${w.file} \`${w.text}\``);
    if (!used.has(w)) problems.push(`stale waiver (its line is reached now, or its text changed): ${w.file} \`${w.text}\``);
  }
  return { lines: { hit, total, share }, missedLines, problems };
}
