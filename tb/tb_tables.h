// tb_tables.h: read-back of the engines' per-context key-material tables in simulation, for the
// key-hygiene test (test/rtl-key-hygiene.test.ts, harness/key-tables.ts). Included by tb_engine.h.
//
// The tables and their entry widths are marked /*verilator public_flat_rd*/ in the RTL, so the
// Verilated model keeps them under fixed names in Vtop___024root; synthesis reads those marks as
// comments and builds the same hardware. Which tables a build has is found at compile time (the TX
// stub has none), so one bench serves every top:
//   front  TX: tlsnic_tx_front.u_ctx.tbl_q (tlsnic_tx_pkg::fctx_t), RX: tlsnic_rx_front.u_ctx.tbl_q
//          (tlsnic_rx_pkg::rctx_t): keys, IVs / salts, nonces, record-tracker state
//   back   tlsnic_gcm_back.u_ctx.tbl_q in both engines (bctx_t): GHASH accumulator (partial
//          block folded in) or finished tag (RX: XOR the tag bytes received), saved keystream,
//          tag-phase bit
//   hkey   tlsnic_gcm_back.u_htbl.tbl_q in both engines: the hash key H = E_K(0^128)
// (u_ctx, u_htbl: the tlsnic_ctx_table instances of each block; the entry widths stay in the
// blocks as FW, RW, BWID and HWID.)
//
// Environment (tb_engine.h):
//   TLSNIC_DUMP_TABLES=all | <id>,<id>,...   after the counters, one line per table and context:
//       k <table> <ctx id> <entry bits> <entry hex, most significant digit first>
//   TLSNIC_POISON_TABLES=<seed>              before the first reset, every entry of every table is
//       filled with seeded pseudo-random bits (only the reset's clear sweep can make them zero)
#pragma once
#include <cstdint>
#include <cstdlib>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "Vtop___024root.h"
#include "tb_common.h"

namespace tbk {

#define TBK_HAS_MEMBER(Trait, member)                                                     \
  template <typename R, typename = void>                                                  \
  struct Trait : std::false_type {};                                                      \
  template <typename R>                                                                   \
  struct Trait<R, std::void_t<decltype(&R::member)>> : std::true_type {};

TBK_HAS_MEMBER(HasTxFront, tlsnic_tx_engine__DOT__u_front__DOT__u_ctx__DOT__tbl_q)
TBK_HAS_MEMBER(HasTxBack, tlsnic_tx_engine__DOT__u_back__DOT__u_ctx__DOT__tbl_q)
TBK_HAS_MEMBER(HasRxFront, tlsnic_rx_engine__DOT__u_front__DOT__u_ctx__DOT__tbl_q)
TBK_HAS_MEMBER(HasRxBack, tlsnic_rx_engine__DOT__u_back__DOT__u_ctx__DOT__tbl_q)
TBK_HAS_MEMBER(HasTxHkey, tlsnic_tx_engine__DOT__u_back__DOT__u_htbl__DOT__tbl_q)
TBK_HAS_MEMBER(HasRxHkey, tlsnic_rx_engine__DOT__u_back__DOT__u_htbl__DOT__tbl_q)
#undef TBK_HAS_MEMBER

// One table: entry i is words(i)[0 .. words_per_entry-1], word 0 least significant (VlWide).
struct Table {
  const char* name;
  uint32_t* base;
  std::size_t words_per_entry;
  std::size_t entries;
  uint32_t bits;
  uint32_t* words(std::size_t i) const { return base + i * words_per_entry; }
};

template <std::size_t Words, std::size_t Depth>
Table table(const char* name, VlUnpacked<VlWide<Words>, Depth>& t, uint32_t bits) {
  static_assert(sizeof(VlWide<Words>) == Words * sizeof(uint32_t), "VlWide is its words");
  return {name, t[0].data(), Words, Depth, bits};
}

template <typename R>
std::vector<Table> tables(R& r) {
  std::vector<Table> v;
  if constexpr (HasTxFront<R>::value)
    v.push_back(table("front", r.tlsnic_tx_engine__DOT__u_front__DOT__u_ctx__DOT__tbl_q, R::tlsnic_tx_engine__DOT__u_front__DOT__FW));
  if constexpr (HasTxBack<R>::value)
    v.push_back(table("back", r.tlsnic_tx_engine__DOT__u_back__DOT__u_ctx__DOT__tbl_q, R::tlsnic_tx_engine__DOT__u_back__DOT__BWID));
  if constexpr (HasTxHkey<R>::value)
    v.push_back(table("hkey", r.tlsnic_tx_engine__DOT__u_back__DOT__u_htbl__DOT__tbl_q, R::tlsnic_tx_engine__DOT__u_back__DOT__HWID));
  if constexpr (HasRxFront<R>::value)
    v.push_back(table("front", r.tlsnic_rx_engine__DOT__u_front__DOT__u_ctx__DOT__tbl_q, R::tlsnic_rx_engine__DOT__u_front__DOT__RW));
  if constexpr (HasRxBack<R>::value)
    v.push_back(table("back", r.tlsnic_rx_engine__DOT__u_back__DOT__u_ctx__DOT__tbl_q, R::tlsnic_rx_engine__DOT__u_back__DOT__BWID));
  if constexpr (HasRxHkey<R>::value)
    v.push_back(table("hkey", r.tlsnic_rx_engine__DOT__u_back__DOT__u_htbl__DOT__tbl_q, R::tlsnic_rx_engine__DOT__u_back__DOT__HWID));
  (void)r;
  return v;
}

// Seeded garbage in every bit of every entry (bits above the entry width stay zero, as Verilator
// expects of a wide value).
inline void poison(const std::vector<Table>& ts, uint64_t seed) {
  tb::Prng p(seed);
  for (const Table& t : ts) {
    for (std::size_t i = 0; i < t.entries; i++) {
      uint32_t* w = t.words(i);
      for (std::size_t k = 0; k < t.words_per_entry; k++) w[k] = static_cast<uint32_t>(p.next() >> 16);
      if (t.bits % 32 != 0) w[t.bits / 32] &= (1u << (t.bits % 32)) - 1;
      for (std::size_t k = (t.bits + 31) / 32; k < t.words_per_entry; k++) w[k] = 0;
    }
  }
}

// "all" or a comma-separated list of ids; false (with a message) on anything else.
inline bool parseSelection(const char* sel, std::size_t entries, std::vector<std::size_t>& ids, std::string& err) {
  if (std::string(sel) == "all") {
    for (std::size_t i = 0; i < entries; i++) ids.push_back(i);
    return true;
  }
  const char* p = sel;
  while (*p) {
    char* e = nullptr;
    const unsigned long long v = std::strtoull(p, &e, 10);
    if (e == p || (*e != ',' && *e != 0)) {
      err = std::string("TLSNIC_DUMP_TABLES: expected 'all' or <id>,<id>,... got '") + sel + "'";
      return false;
    }
    if (v >= entries) {
      err = "TLSNIC_DUMP_TABLES: context id " + std::to_string(v) + " beyond the table (" + std::to_string(entries) + " entries)";
      return false;
    }
    ids.push_back(static_cast<std::size_t>(v));
    p = *e ? e + 1 : e;
  }
  return true;
}

// The "k" lines for the selected ids, context by context, each table in order.
inline void dump(std::string& out, const std::vector<Table>& ts, const std::vector<std::size_t>& ids) {
  static const char* digits = "0123456789abcdef";
  for (std::size_t id : ids) {
    for (const Table& t : ts) {
      const uint32_t* w = t.words(id);
      const uint32_t nd = (t.bits + 3) / 4;
      std::string hex(nd, '0');
      for (uint32_t d = 0; d < nd; d++) {
        const uint32_t bit = 4 * (nd - 1 - d);
        hex[d] = digits[(w[bit / 32] >> (bit % 32)) & 0xf];
      }
      out += "k ";
      out += t.name;
      out += " " + std::to_string(id) + " " + std::to_string(t.bits) + " " + hex + "\n";
    }
  }
}

}  // namespace tbk
