// Shared helpers of the Verilator C++ benches in tb/.
//
// Every bench reads one whole batch from stdin (text, one record a line), runs the model at
// full speed and prints results with cycle stamps to stdout; TypeScript (harness/sim-process.ts)
// writes the batch and parses the result. There is no per-cycle round trip.
//
// Batch header line: "cfg <seed> <gap_permille> <stall_permille> <max_cycles>". The seed drives
// the bench's own PRNG for input gaps (valid held low) and output stalls (ready held low), so a
// run is deterministic for a given batch.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "verilated.h"
#if VM_COVERAGE
#include <unistd.h>
#include "verilated_cov.h"
#endif

namespace tb {

// Coverage builds (tlsnic coverage, harness/coverage): this run's line, toggle and cover-point
// counts, one file per process in TLSNIC_COVERAGE_DIR (merged by verilator_coverage). Call after
// top->final(); nothing in other builds.
inline void write_coverage() {
#if VM_COVERAGE
  if (const char* dir = std::getenv("TLSNIC_COVERAGE_DIR"); dir && *dir) {
    const std::string f = std::string(dir) + "/run-" + std::to_string(static_cast<long>(getpid())) + ".dat";
    Verilated::threadContextp()->coveragep()->write(f.c_str());
  }
#endif
}

// xorshift64* seeded through splitmix64: fast, deterministic, good enough for stall patterns.
struct Prng {
  uint64_t s;
  explicit Prng(uint64_t seed) {
    uint64_t z = seed + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    s = (z ^ (z >> 31)) | 1;
  }
  uint64_t next() {
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    return s * 2685821657736338717ULL;
  }
  // true with probability permille / 1000
  bool chance(uint32_t permille) { return permille != 0 && (next() >> 33) % 1000 < permille; }
};

struct Cfg {
  uint64_t seed = 1;
  uint32_t gap = 0;
  uint32_t stall = 0;
  uint64_t max_cycles = 100000000ULL;
};

inline int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  std::fprintf(stderr, "tb: bad hex digit '%c'\n", c);
  std::exit(2);
}

// Big-endian hex string -> 32-bit words, word 0 = least significant (Verilator's VlWide layout).
// The string must have exactly bits/4 digits.
inline void hexToWords(const std::string& h, uint32_t* w, int bits) {
  const int nd = bits / 4;
  if (static_cast<int>(h.size()) != nd) {
    std::fprintf(stderr, "tb: expected %d hex digits, got %zu ('%s')\n", nd, h.size(), h.c_str());
    std::exit(2);
  }
  const int nw = (bits + 31) / 32;
  for (int i = 0; i < nw; i++) w[i] = 0;
  for (int d = 0; d < nd; d++) {
    const int bit = 4 * (nd - 1 - d);
    w[bit / 32] |= static_cast<uint32_t>(hexval(h[d])) << (bit % 32);
  }
}

inline std::string wordsToHex(const uint32_t* w, int bits) {
  static const char* digits = "0123456789abcdef";
  const int nd = bits / 4;
  std::string s(nd, '0');
  for (int d = 0; d < nd; d++) {
    const int bit = 4 * (nd - 1 - d);
    s[d] = digits[(w[bit / 32] >> (bit % 32)) & 0xf];
  }
  return s;
}

// Port setters/getters for every Verilator port type.
template <std::size_t N>
inline void setHex(VlWide<N>& p, const std::string& h, int bits) { hexToWords(h, p.data(), bits); }
template <std::size_t N>
inline std::string getHex(const VlWide<N>& p, int bits) { return wordsToHex(p.data(), bits); }

template <typename T>
inline void setHex(T& p, const std::string& h, int bits) {
  uint32_t w[2];
  hexToWords(h, w, bits);
  p = static_cast<T>(bits > 32 ? (static_cast<uint64_t>(w[1]) << 32) | w[0] : w[0]);
}
template <typename T>
inline std::string getHex(const T& p, int bits) {
  const uint64_t v = static_cast<uint64_t>(p);
  uint32_t w[2] = {static_cast<uint32_t>(v), static_cast<uint32_t>(v >> 32)};
  return wordsToHex(w, bits);
}

// Reads the cfg line and all following non-empty lines (split into whitespace fields).
inline std::vector<std::vector<std::string>> readBatch(Cfg& cfg) {
  std::ios::sync_with_stdio(false);
  std::vector<std::vector<std::string>> recs;
  std::string line;
  bool have_cfg = false;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    std::istringstream is(line);
    std::vector<std::string> f;
    std::string tok;
    while (is >> tok) f.push_back(tok);
    if (f.empty()) continue;
    if (f[0] == "cfg") {
      if (f.size() != 5) { std::fprintf(stderr, "tb: cfg needs 4 fields\n"); std::exit(2); }
      cfg.seed = std::stoull(f[1]);
      cfg.gap = static_cast<uint32_t>(std::stoul(f[2]));
      cfg.stall = static_cast<uint32_t>(std::stoul(f[3]));
      cfg.max_cycles = std::stoull(f[4]);
      have_cfg = true;
      continue;
    }
    recs.push_back(std::move(f));
  }
  if (!have_cfg) { std::fprintf(stderr, "tb: missing cfg line\n"); std::exit(2); }
  return recs;
}

inline void need(const std::vector<std::string>& f, std::size_t n, const char* what) {
  if (f.size() != n) {
    std::fprintf(stderr, "tb: %s record needs %zu fields, got %zu\n", what, n, f.size());
    std::exit(2);
  }
}

struct Clock {
  std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
};

}  // namespace tb
