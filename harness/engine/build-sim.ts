// Builds a Verilator simulation binary once per configuration and caches it.
//
// A configuration is (top, sources, params, defines, C++ bench, flags); its binary lives in
// build/sim/<name>-<hash>/sim where the hash covers the contents of every source, the bench and
// every header in tb/, the parameters, the flags and the Verilator version. A second request for
// the same configuration (a later run, or another vitest worker at the same time) reuses it:
// concurrent builders serialize on a lock directory, and a build happens in a private temporary
// directory that is renamed into place only when complete, so a half-built binary is never seen.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SIM_BUILD_DIR = join(REPO_ROOT, 'build', 'sim');

export interface SimBuildConfig {
  /** Top module name (the C++ class is always Vtop). */
  top: string;
  /** SystemVerilog sources, packages first, relative to the repo root or absolute. */
  sources: readonly string[];
  /** Top-level parameters, passed as -G<name>=<value> and to the bench as -DTB_<name>=<value>. */
  params?: Readonly<Record<string, number>>;
  /**
   * Preprocessor defines for the SystemVerilog (+define+NAME or +define+NAME=value); false
   * removes a default define (SIM_DEFINES).
   */
  defines?: Readonly<Record<string, string | number | boolean>>;
  /** C++ bench main, relative to the repo root or absolute; tb/ is on the include path. */
  cppMain: string;
  /** Short label for the build directory and log lines. */
  name: string;
  /** Extra Verilator flags (they are part of the hash). */
  extraFlags?: readonly string[];
}

/**
 * Speed flags: measured as the fastest single-threaded setting for these benches. `--assert`
 * turns on the RTL's assertions (sim-only code under `ifndef SYNTHESIS`, docs/architecture.md
 * "Assertions") in every build: a failing one stops the bench, and harness/engine/sim-process.ts
 * benchFailure names it.
 */
const VERILATOR_FLAGS = [
  '--cc', '--exe', '--build', '-j', '2', '--assert',
  '-O3', '--x-assign', 'fast', '--x-initial', 'fast',
  '-Wno-fatal', '-Wno-lint', '-Wno-style',
  '-MAKEFLAGS', 'OPT_FAST=-O2 OPT_SLOW=-O1',
];

/**
 * A coverage build (harness/coverage): `lines` counts lines (Verilator's line, branch and
 * expression points) and the RTL's functional cover points; `toggles` adds toggle points of
 * signals up to 32 bits (control, counts, positions): toggle points of the beats, keys and
 * contexts (hundreds of bits each) say little and multiply the generated C++ (236 MB for the TX
 * engine at W = 128 with every signal).
 */
export type CoverageBuild = 'lines' | 'toggles';

/** Verilator flags of a coverage build. */
export function coverageFlags(kind: CoverageBuild): string[] {
  return ['--coverage-line', '--coverage-user', ...(kind === 'toggles' ? ['--coverage-toggle', '--coverage-max-width', '32'] : [])];
}

/**
 * Defines of every simulation build unless its configuration sets them false. TLSNIC_GF_LOOP:
 * tlsnic_gf128_mul evaluates its product with the word-wide loop, about twice as fast in
 * Verilator as the balanced tree that synthesis takes (rtl/crypto/tlsnic_gf128_mul.sv; the two
 * are proven equal by test/rtl-ghash.test.ts).
 */
export const SIM_DEFINES: Readonly<Record<string, true>> = { TLSNIC_GF_LOOP: true };

/** A configuration's defines with the defaults applied (false entries dropped). */
function effectiveDefines(cfg: SimBuildConfig): [string, string | number | true][] {
  return Object.entries({ ...SIM_DEFINES, ...(cfg.defines ?? {}) })
    .filter((e): e is [string, string | number | true] => e[1] !== false)
    .sort(([a], [b]) => a.localeCompare(b));
}

const LOCK_POLL_MS = 500;
/** A lock older than this whose owner process is gone is taken over. */
const STALE_LOCK_MS = 30 * 60 * 1000;

let verilatorVersion: string | undefined;

async function getVerilatorVersion(): Promise<string> {
  verilatorVersion ??= (await execa('verilator', ['--version'])).stdout.trim();
  return verilatorVersion;
}

function abs(p: string): string {
  return resolve(REPO_ROOT, p);
}

/**
 * Include directories of a configuration: every directory that holds one of its sources. The
 * RTL's shared `.svh` files (rtl/common/tlsnic_item.svh) are found there, in the repository and in
 * a synthesis bundle alike.
 */
export function includeDirs(sources: readonly string[]): string[] {
  return [...new Set(sources.map((s) => dirname(abs(s))))];
}

/** The `.svh` files in a configuration's include directories (they change the build). */
function includeFiles(sources: readonly string[]): string[] {
  return includeDirs(sources).flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.svh')).sort().map((f) => join(d, f)));
}

function verilatorArgs(cfg: SimBuildConfig, mdir: string): string[] {
  const params = Object.entries(cfg.params ?? {});
  const defines = effectiveDefines(cfg).map(([k, v]) => (v === true ? `+define+${k}` : `+define+${k}=${v}`));
  const cflags = ['-O2', `-I${join(REPO_ROOT, 'tb')}`, ...params.map(([k, v]) => `-DTB_${k}=${v}`)].join(' ');
  return [
    ...VERILATOR_FLAGS,
    ...(cfg.extraFlags ?? []),
    '--top-module', cfg.top,
    '--prefix', 'Vtop',
    '-Mdir', mdir,
    '-o', 'sim',
    '-CFLAGS', cflags,
    ...params.map(([k, v]) => `-G${k}=${v}`),
    ...defines,
    ...includeDirs(cfg.sources).map((d) => `-I${d}`),
    ...cfg.sources.map(abs),
    abs(cfg.cppMain),
  ];
}

async function configHash(cfg: SimBuildConfig): Promise<string> {
  const h = createHash('sha256');
  h.update(await getVerilatorVersion());
  h.update(JSON.stringify({ top: cfg.top, params: cfg.params ?? {}, defines: effectiveDefines(cfg), flags: VERILATOR_FLAGS, extra: cfg.extraFlags ?? [] }));
  const tbDir = join(REPO_ROOT, 'tb');
  const headers = readdirSync(tbDir).filter((f) => f.endsWith('.h')).sort().map((f) => join(tbDir, f));
  for (const f of [...cfg.sources.map(abs), ...includeFiles(cfg.sources), abs(cfg.cppMain), ...headers]) {
    h.update(f.slice(REPO_ROOT.length));
    h.update(readFileSync(f));
  }
  return h.digest('hex').slice(0, 16);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function lockIsStale(lockDir: string): boolean {
  try {
    const pid = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
    const age = Date.now() - statSync(lockDir).mtimeMs;
    return !processAlive(pid) || age > STALE_LOCK_MS;
  } catch {
    // Lock dir without a pid file yet: its owner is between mkdir and write; not stale.
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Same-process callers of one configuration share one promise. */
const inFlight = new Map<string, Promise<string>>();

/**
 * Returns the path of the simulation binary for `cfg`, building it if no cached build exists.
 * Logs the build time when it builds.
 */
export async function buildSim(cfg: SimBuildConfig): Promise<string> {
  const hash = await configHash(cfg);
  const key = `${cfg.name}-${hash}`;
  let p = inFlight.get(key);
  if (!p) {
    p = buildOnce(cfg, key);
    inFlight.set(key, p);
  }
  return p;
}

async function buildOnce(cfg: SimBuildConfig, key: string): Promise<string> {
  const finalDir = join(SIM_BUILD_DIR, key);
  const binary = join(finalDir, 'sim');
  const lockDir = `${finalDir}.lock`;
  mkdirSync(SIM_BUILD_DIR, { recursive: true });

  for (;;) {
    if (existsSync(binary)) return binary;
    try {
      mkdirSync(lockDir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (lockIsStale(lockDir)) rmSync(lockDir, { recursive: true, force: true });
      else await sleep(LOCK_POLL_MS);
      continue;
    }
    // We hold the lock.
    try {
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      if (existsSync(binary)) return binary;
      const tmpDir = `${finalDir}.tmp-${process.pid}-${Date.now()}`;
      const t0 = Date.now();
      try {
        await execa('verilator', verilatorArgs(cfg, tmpDir), { cwd: REPO_ROOT, all: true });
      } catch (e) {
        const out = (e as { all?: string }).all ?? String(e);
        rmSync(tmpDir, { recursive: true, force: true });
        throw new Error(`buildSim ${cfg.name}: verilator failed\n${out.slice(-4000)}`);
      }
      rmSync(finalDir, { recursive: true, force: true });
      renameSync(tmpDir, finalDir);
      const secs = ((Date.now() - t0) / 1000).toFixed(1);
      console.log(`[build-sim] built ${key} in ${secs} s`);
      return binary;
    } finally {
      rmSync(lockDir, { recursive: true, force: true });
    }
  }
}

/**
 * The source files a `.f` file list names (one path a line, relative to the repo root; `//`
 * comments and blank lines ignored), in its order. The lists in rtl/ are the one record of each
 * design's files in compile order: Verilator (`-f`), the Makefile and the synthesis flow read
 * them too.
 */
export function readFileList(listPath: string): string[] {
  return readFileSync(abs(listPath), 'utf8')
    .split('\n')
    .map((l) => l.replace(/\/\/.*$/, '').trim())
    .filter((l) => l !== '');
}
