// The SystemVerilog subset Yosys accepts, checked on the bundle's sources line by line, so that a
// construct Yosys rejects is reported everywhere it occurs (Yosys itself stops at the first one).
// Rules from probing Yosys 0.23 (Debian) and 0.55 (@yowasp/yosys): both reject `import pkg::*`,
// `return`, `$bits(<type>)`, casts to a type name (`T'(x)`) and streaming operators; 0.23 also
// rejects multi-dimensional packed arrays (`logic [A:0][B:0]`).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SubsetViolation {
  file: string;
  line: number;
  construct: string;
  text: string;
  fix: string;
}

/** Comments blanked (same length, newlines kept) so line numbers stay right. */
function stripComments(s: string): string {
  return s
    .replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' '))
    .replace(/\/\/[^\n]*/g, (m) => ' '.repeat(m.length));
}

export function scanYosysSubset(dir: string, files: readonly string[]): SubsetViolation[] {
  const texts = files.map((f) => ({ f, text: stripComments(readFileSync(join(dir, f), 'utf8')) }));
  const types = new Set<string>();
  for (const { text } of texts) {
    for (const m of text.matchAll(/\btypedef\s+(?:struct|union|enum)\b[^{]*\{[\s\S]*?\}\s*(\w+)\s*;/g)) types.add(m[1]);
    for (const m of text.matchAll(/\btypedef\s+(?!struct\b|union\b|enum\b)[^;]*?\b(\w+)\s*(?:\[[^\]]*\]\s*)*;/g)) types.add(m[1]);
  }
  const typeRe = types.size ? [...types].join('|') : '(?!)';
  const rules: { re: RegExp; construct: string; fix: string }[] = [
    { re: /\bimport\s+\w+::\*/, construct: 'import pkg::*', fix: 'refer to package items as pkg::name' },
    { re: /\breturn\b/, construct: 'return', fix: 'assign the function name instead of return' },
    { re: new RegExp(`\\$bits\\s*\\(\\s*(?:\\w+::)?(?:${typeRe})\\s*\\)`), construct: '$bits(<type>)', fix: 'use $bits(<signal of that type>) declared earlier, or a numeric localparam' },
    { re: new RegExp(`\\b(?:\\w+::)?(?:${typeRe})'\\s*\\(`), construct: "cast to a type name T'(x)", fix: 'assign to a variable of that type, or use a sized cast N\'(x)' },
    { re: /\{\s*(<<|>>)/, construct: 'streaming operator', fix: 'write the bit/byte reversal as a loop' },
    { re: /\blogic\s*(?:signed\s*)?\[[^\]]+\]\s*\[[^\]]+\]/, construct: 'multi-dimensional packed array (Yosys 0.23)', fix: 'flatten to one packed dimension and index with a*W +: W' },
  ];
  const out: SubsetViolation[] = [];
  for (const { f, text } of texts) {
    const orig = readFileSync(join(dir, f), 'utf8').split('\n');
    text.split('\n').forEach((line, i) => {
      for (const r of rules) if (r.re.test(line)) out.push({ file: f, line: i + 1, construct: r.construct, text: orig[i].trim(), fix: r.fix });
    });
  }
  return out;
}
