// The Verilator configurations of the AES-GCM core (rtl/crypto/tlsnic_aes_*, tb/gcm/tlsnic_ghash*,
// tlsnic_gcm_datapath), shared by the tests and bench/gcm-bench.ts so that each configuration
// is built once and reused from the cache.
import { buildSim, readFileList } from '../engine/build-sim.ts';

export type Lanes = 1 | 2 | 4;

/** S-box styles of rtl/crypto/tlsnic_aes_pkg.sv; 'case' is the default the RTL ships with. */
export type SboxStyle = 'case' | 'lut' | 'calc' | 'fncase';

const PKG = 'rtl/crypto/tlsnic_aes_pkg.sv';
/** Sources of each block, package first: the file lists for simulation, lint and synthesis. */
export const AES_SOURCES: readonly string[] = [PKG, 'rtl/crypto/tlsnic_aes_sbox.sv', 'rtl/crypto/tlsnic_aes_sbox_rom.sv', 'rtl/crypto/tlsnic_aes_pipe.sv'];
export const GHASH_SOURCES: readonly string[] = [PKG, 'tb/gcm/tlsnic_ghash_powers.sv', 'tb/gcm/tlsnic_ghash.sv'];
/** tb/gcm/tlsnic_gcm_datapath.f: the core's file list, shared with the Makefile. */
export const GCM_SOURCES: readonly string[] = readFileList('tb/gcm/tlsnic_gcm_datapath.f');

function sboxDefines(style: SboxStyle): Record<string, true> {
  if (style === 'lut') return { TLSNIC_SBOX_LUT: true };
  if (style === 'calc') return { TLSNIC_SBOX_CALC: true };
  if (style === 'fncase') return { TLSNIC_SBOX_FNCASE: true };
  return {};
}

/** tlsnic_aes_pipe with a 32-bit sideband carrying the beat index (bench tb/tb_aes.cpp). */
export function buildAesSim(lanes: Lanes, sbox: SboxStyle = 'case'): Promise<string> {
  return buildSim({
    name: `aes-l${lanes}${sbox === 'case' ? '' : `-${sbox}`}`,
    top: 'tlsnic_aes_pipe',
    sources: AES_SOURCES,
    params: { LANES: lanes, SB_W: 32 },
    defines: sboxDefines(sbox),
    cppMain: 'tb/tb_aes.cpp',
  });
}

/** GHASH unit as the datapath uses it (tb/tb_ghash_top.sv: powers + fold; bench tb/tb_ghash.cpp). */
export function buildGhashSim(lanes: Lanes): Promise<string> {
  return buildSim({
    name: `ghash-l${lanes}`,
    top: 'tb_ghash_top',
    sources: [...GHASH_SOURCES, 'tb/tb_ghash_top.sv'],
    params: { LANES: lanes },
    cppMain: 'tb/tb_ghash.cpp',
  });
}

/** The whole core, tlsnic_gcm_datapath, with a 32-bit user tag (bench tb/tb_gcm.cpp). */
export function buildGcmSim(lanes: Lanes): Promise<string> {
  return buildSim({
    name: `gcm-l${lanes}`,
    top: 'tlsnic_gcm_datapath',
    sources: GCM_SOURCES,
    params: { LANES: lanes, USER_W: 32 },
    cppMain: 'tb/tb_gcm.cpp',
  });
}

/**
 * tlsnic_gf128_mul and tlsnic_gf128_sq side by side (tb/tb_gf128_top.sv, bench tb/tb_gf128.cpp),
 * built without TLSNIC_GF_LOOP: the balanced-tree multiply that synthesis takes.
 */
export function buildGf128Sim(): Promise<string> {
  return buildSim({
    name: 'gf128-tree',
    top: 'tb_gf128_top',
    sources: [PKG, 'rtl/crypto/tlsnic_gf128_dot3.sv', 'rtl/crypto/tlsnic_xor6.sv', 'rtl/crypto/tlsnic_gf128_mul.sv', 'rtl/crypto/tlsnic_gf128_sq.sv', 'tb/tb_gf128_top.sv'],
    defines: { TLSNIC_GF_LOOP: false },
    cppMain: 'tb/tb_gf128.cpp',
  });
}
