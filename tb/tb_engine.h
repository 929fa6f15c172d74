// tb_engine.h: the Verilator bench of both offload engines (the C++ class is Vtop), included by
// tb/tb_tx_engine.cpp (TB_ENGINE_RX 0) and tb/tb_rx_engine.cpp (TB_ENGINE_RX 1), whose headers
// give each engine's input/output line formats. Built by harness/tx-sim.ts / rx-sim.ts with
// -DTB_W=<tdata bits>, -DTB_MAX_FRAME=<bytes> and the engine's other parameters as -DTB_<name>.
//
// Cycle c is the c-th rising clock edge after reset; a beat "at cycle c" is one whose valid and
// ready were both high at that edge. The input drives frames back to back, W/8 bytes a beat, tkeep
// all ones except on the last beat, tuser on every beat of the frame. With gap_permille, valid
// stays low on that share of cycles in which no beat is pending (a presented beat is never
// withdrawn, as AXI-Stream requires); with stall_permille, m_tready is low on that share of cycles.
// Both come from the seeded PRNG, so a run is deterministic. Bytes the engine must ignore (tdata
// beyond tkeep, all of tdata/tkeep/tlast/tuser while valid is low) are pseudo-random, not zero.
//
// Checks: output tkeep contiguous from bit 0 and all ones except on tlast beats, no empty beat, a
// beat presented with m_tready low must stay presented and unchanged; TX: every output packet is
// at most MAX_FRAME bytes; RX: m_tuser constant within a frame. Each violation is an "e" line (at
// most 100); reaching max_cycles aborts with exit status 3 and a message on stderr (a hang never
// looks like a pass). Counter indices beyond the engine's list must read 0.
//
// Directive lines (optional, each applies to the frame record that follows it; harness/sim-process.ts
// BenchDirective writes them):
//   keep <beat> <tkeep hex>     present that beat of the frame with this tkeep instead of the
//                               default (holes, zero tkeep; bytes are the frame's, junk beyond it)
//   hold <cycles>               hold m_tready low for this many cycles from the cycle the frame's
//                               first beat is first presented (stalls and drain wait for it)
//   rst <beats> <cycles>        once <beats> beats of the frame were accepted, hold rst_ni low for
//                               <cycles> clock edges; the rest of the frame is never sent (its "a"
//                               line ends at the reset's first cycle), a partly collected output
//                               packet is discarded, and the run goes on with the next frame
//
// RTL assertions (built with --assert, docs/architecture.md "Assertions"): the first failing one
// stops the run; Verilator prints "[<cycle>] %Error: <file>:<line>: Assertion failed in <instance>:
// <message>" on stdout, the bench adds "assertion failed at cycle <n>" on stderr and exits with
// status 4 (harness/sim-process.ts benchFailure turns that into an error naming the assertion).
// +tlsnic_break=<n> on the command line selects a test-only fault (test/rtl-assertions.test.ts):
// the RTL implements most; the bench implements 1 (the first input beat kept waiting by s_tready
// is withdrawn for a cycle) and 2 (its byte 0 changes while it waits).
// Harness self-test: with env TLSNIC_CORRUPT_PACKET=<n>, the bench flips the last byte of output
// frame n as it reports it (never the engine's own output), so the mismatch report and the
// waveform path can be proven to fire.
// Waveform: with env TLSNIC_FST=<path> (binary built with --trace-fst), dumps cycles
// [TLSNIC_FST_FROM, TLSNIC_FST_TO] (defaults 0 and 10000) to an FST file.
// Key tables (tb/tb_tables.h; engines only, not the stub): with env TLSNIC_POISON_TABLES=<seed> the
// per-context tables are filled with garbage before the first reset; with env
// TLSNIC_DUMP_TABLES=all|<id>,<id>,... the bench adds after the "c" lines, per context and table,
//   k <front|back> <ctx id> <entry bits> <entry hex, most significant digit first>
#pragma once
#include <cstring>
#include <memory>
#include <utility>

#include "Vtop.h"
#include "tb_common.h"
#include "tb_tables.h"
#if VM_TRACE_FST
#include "verilated_fst_c.h"
#endif

#ifndef TB_W
#error "build with -DTB_W=<tdata bits> (harness/tx-sim.ts and rx-sim.ts do)"
#endif
#ifndef TB_MAX_FRAME
#define TB_MAX_FRAME 9600
#endif
#ifndef TB_ENGINE_RX
#error "define TB_ENGINE_RX (0: TX engine bench, 1: RX engine bench) before including tb_engine.h"
#endif
#if TB_ENGINE_RX
#define TB_NAME "tb_rx_engine"
#define TB_BUILD_HINT "(buildRxEngineSim({ trace: true }))"
#else
#define TB_NAME "tb_tx_engine"
#define TB_BUILD_HINT "(buildTxEngineSim({ trace: true }))"
#endif

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "beat packing assumes a little-endian host");
static_assert(TB_W % 64 == 0 && TB_W >= 64, "W must be a multiple of 64");

namespace {

constexpr int kW = TB_W;
constexpr int kBytes = kW / 8;
constexpr uint64_t kKeepAll = kBytes == 64 ? ~0ULL : ((1ULL << kBytes) - 1);
constexpr int kMaxErrors = 100;
constexpr uint32_t kCounters = TB_ENGINE_RX ? 24 : 19;  // RX_COUNTER_NAMES / TX_COUNTER_NAMES

struct Frame {
  uint32_t user;  // {ctx_id[15:0], offload (TX; 0 on RX), kind[1:0]}
  std::size_t off;
  std::size_t len;
  uint64_t hold = 0;       // "hold": m_tready low this many cycles from its first presentation
  uint64_t rst_beats = 0;  // "rst": reset after this many beats accepted ...
  uint64_t rst_cycles = 0; // ... for this many clock edges (0: no reset)
  std::vector<std::pair<uint64_t, uint64_t>> keeps;  // "keep": {beat, tkeep}
};

struct Beat {
  uint8_t data[kBytes];
  uint64_t keep;
  bool last;
};

// tdata ports: VlWide for W > 64, QData for W = 64. Byte k of the beat is bits [8k+7:8k], which on
// a little-endian host is byte k of the word array.
template <std::size_t N>
void putData(VlWide<N>& p, const uint8_t* b) { std::memcpy(p.data(), b, kBytes); }
template <std::size_t N>
void getData(const VlWide<N>& p, uint8_t* b) { std::memcpy(b, p.data(), kBytes); }
template <typename T>
void putData(T& p, const uint8_t* b) { uint64_t v; std::memcpy(&v, b, 8); p = static_cast<T>(v); }
template <typename T>
void getData(const T& p, uint8_t* b) { const uint64_t v = static_cast<uint64_t>(p); std::memcpy(b, &v, 8); }

void appendHex(std::string& s, const uint8_t* b, std::size_t n) {
  static const char* d = "0123456789abcdef";
  const std::size_t at = s.size();
  s.resize(at + 2 * n);
  char* o = &s[at];
  for (std::size_t i = 0; i < n; i++) {
    o[2 * i] = d[b[i] >> 4];
    o[2 * i + 1] = d[b[i] & 15];
  }
}

void fillJunk(tb::Prng& r, uint8_t* b, int n) {
  for (int i = 0; i < n; i += 8) {
    const uint64_t v = r.next();
    std::memcpy(b + i, &v, n - i < 8 ? n - i : 8);
  }
}

bool keepContiguous(uint64_t k) { return k != 0 && (k & (k + 1)) == 0; }

uint64_t envU64(const char* name, uint64_t dflt) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 10) : dflt;
}

// Reads the whole batch from stdin: the cfg line of tb_common.h, then one frame a line. A
// hand-written scanner rather than tb::readBatch: the hex of a batch is many MB and the generic
// line/token reader was the slowest part of a run against the stub (see harness/tx-sim.ts).
bool readFrames(tb::Cfg& cfg, std::vector<Frame>& frames, std::vector<uint8_t>& bytes) {
  Frame next{};  // directives collected for the next frame record
  bool have_directive = false;
  std::string in;
  {
    char buf[1 << 16];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0) in.append(buf, n);
  }
  int8_t hexv[256];
  std::memset(hexv, -1, sizeof hexv);
  for (int c = 0; c < 10; c++) hexv['0' + c] = static_cast<int8_t>(c);
  for (int c = 0; c < 6; c++) hexv['a' + c] = hexv['A' + c] = static_cast<int8_t>(10 + c);
  bytes.reserve(in.size() / 2);
  const char* p = in.data();
  const char* const end = p + in.size();
  bool have_cfg = false;
  std::size_t line_no = 0;
  auto fail = [&](const char* what) {
    std::fprintf(stderr, TB_NAME ": input line %zu: %s\n", line_no, what);
    return false;
  };
  auto skipBlanks = [&] { while (p < end && (*p == ' ' || *p == '\t' || *p == '\r')) p++; };
  auto number = [&](uint64_t& v) {
    skipBlanks();
    if (p == end || *p < '0' || *p > '9') return false;
    v = 0;
    while (p < end && *p >= '0' && *p <= '9') v = v * 10 + static_cast<uint64_t>(*p++ - '0');
    return true;
  };
  while (p < end) {
    line_no++;
    skipBlanks();
    if (p < end && *p == '\n') { p++; continue; }
    if (end - p >= 3 && std::memcmp(p, "cfg", 3) == 0) {
      p += 3;
      uint64_t seed, gap, stall, maxc;
      if (!number(seed) || !number(gap) || !number(stall) || !number(maxc)) return fail("cfg needs 4 numbers");
      cfg.seed = seed;
      cfg.gap = static_cast<uint32_t>(gap);
      cfg.stall = static_cast<uint32_t>(stall);
      cfg.max_cycles = maxc;
      have_cfg = true;
    } else if (end - p >= 4 && std::memcmp(p, "keep", 4) == 0) {
      p += 4;
      uint64_t b;
      if (!number(b)) return fail("keep needs <beat> <tkeep hex>");
      skipBlanks();
      uint64_t k = 0;
      int digits = 0;
      while (p < end && hexv[static_cast<uint8_t>(*p)] >= 0 && digits < 16) k = k << 4 | static_cast<uint64_t>(hexv[static_cast<uint8_t>(*p++)]), digits++;
      if (digits == 0) return fail("keep needs <beat> <tkeep hex>");
      next.keeps.push_back({b, k & kKeepAll});
      have_directive = true;
    } else if (end - p >= 4 && std::memcmp(p, "hold", 4) == 0) {
      p += 4;
      if (!number(next.hold)) return fail("hold needs <cycles>");
      have_directive = true;
    } else if (end - p >= 3 && std::memcmp(p, "rst", 3) == 0) {
      p += 3;
      if (!number(next.rst_beats) || !number(next.rst_cycles) || next.rst_cycles == 0) return fail("rst needs <beats> <cycles > 0>");
      have_directive = true;
    } else {
      uint64_t kind, offload = 0, ctx;
#if TB_ENGINE_RX
      if (!number(kind) || !number(ctx)) return fail("frame record needs <kind> <ctx_id> <hex>");
#else
      if (!number(kind) || !number(offload) || !number(ctx)) return fail("frame record needs <kind> <offload> <ctx_id> <hex>");
#endif
      if (kind > 3 || offload > 1 || ctx > 0xffff) return fail("kind, offload or ctx_id out of range");
      skipBlanks();
      const std::size_t off = bytes.size();
      while (end - p >= 2) {
        const int hi = hexv[static_cast<uint8_t>(p[0])];
        const int lo = hexv[static_cast<uint8_t>(p[1])];
        if ((hi | lo) < 0) break;
        bytes.push_back(static_cast<uint8_t>(hi << 4 | lo));
        p += 2;
      }
      if (bytes.size() == off) return fail("frame with no bytes");
      next.user = static_cast<uint32_t>(ctx << 3 | offload << 2 | kind);
      next.off = off;
      next.len = bytes.size() - off;
      frames.push_back(std::move(next));
      next = Frame{};
      have_directive = false;
    }
    skipBlanks();
    if (p < end && *p != '\n') return fail("unexpected characters (odd number of hex digits?)");
    if (p < end) p++;
  }
  if (!have_cfg) return fail("missing cfg line");
  if (have_directive) return fail("directive (keep/hold/rst) without a frame after it");
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Verilated::commandArgs(argc, argv);
  Verilated::fatalOnError(false);  // an assertion stops the run below, with its cycle
  const char* brk_arg = Verilated::commandArgsPlusMatch("tlsnic_break=");
  const int tb_break = brk_arg && *brk_arg ? std::atoi(brk_arg + std::strlen("+tlsnic_break=")) : 0;
  bool tb_break_done = false;
  tb::Clock parse_clock;
  tb::Cfg cfg;
  std::vector<Frame> frames;
  std::vector<uint8_t> bytes;
  if (!readFrames(cfg, frames, bytes)) return 2;
  const double parse_s = parse_clock.seconds();

  const uint64_t frame_beats = (TB_MAX_FRAME + kBytes - 1) / kBytes;
#if TB_ENGINE_RX
  const uint64_t drain_idle = envU64("TLSNIC_DRAIN_IDLE", 64);
  (void)frame_beats;
#else
  const uint64_t drain_idle = envU64("TLSNIC_DRAIN_IDLE", 256 + 2 * frame_beats);
#endif

  const char* corrupt_env = std::getenv("TLSNIC_CORRUPT_PACKET");
  const long long corrupt_pkt = corrupt_env && *corrupt_env ? std::atoll(corrupt_env) : -1;

  const char* fst_path = std::getenv("TLSNIC_FST");
#if VM_TRACE_FST
  std::unique_ptr<VerilatedFstC> fst;
  const uint64_t fst_from = envU64("TLSNIC_FST_FROM", 0);
  const uint64_t fst_to = envU64("TLSNIC_FST_TO", 10000);
  if (fst_path && *fst_path) Verilated::traceEverOn(true);
#else
  if (fst_path && *fst_path) {
    std::fprintf(stderr, TB_NAME ": TLSNIC_FST is set but this binary was built without --trace-fst "
                         TB_BUILD_HINT "\n");
    return 2;
  }
#endif

  auto top = std::make_unique<Vtop>();
  VerilatedContext* const ctx = top->contextp();
#if VM_TRACE_FST
  if (fst_path && *fst_path) {
    fst = std::make_unique<VerilatedFstC>();
    top->trace(fst.get(), 99);
    fst->open(fst_path);
  }
#endif

  // Key tables: poisoned before the reset, dumped after the run (tb/tb_tables.h).
  const std::vector<tbk::Table> key_tables = tbk::tables(*top->rootp);
  const char* dump_sel = std::getenv("TLSNIC_DUMP_TABLES");
  std::vector<std::size_t> dump_ids;
  if ((dump_sel && *dump_sel) || envU64("TLSNIC_POISON_TABLES", 0) != 0) {
    std::string err;
    if (key_tables.empty()) err = "TLSNIC_DUMP_TABLES / TLSNIC_POISON_TABLES: this top has no key tables";
    else if (dump_sel && *dump_sel) tbk::parseSelection(dump_sel, key_tables[0].entries, dump_ids, err);
    if (!err.empty()) {
      std::fprintf(stderr, TB_NAME ": %s\n", err.c_str());
      return 2;
    }
    if (const uint64_t seed = envU64("TLSNIC_POISON_TABLES", 0)) tbk::poison(key_tables, seed);
  }

  tb::Prng rng(cfg.seed);
  tb::Prng junk(cfg.seed ^ 0x6a756e6b6a756e6bULL);
  std::string out;
  out.reserve(bytes.size() * 2 + frames.size() * 40 + 4096);
  int errors = 0;
  uint64_t cycle = 0;
  auto error = [&](const std::string& msg) {
    if (errors++ < kMaxErrors) out += "e " + std::to_string(cycle) + " " + msg + "\n";
  };

  // Reset: held over clock edges (the engines reset asynchronously; the edges let any synchronous
  // logic settle too); everything the engine must ignore is junk.
  uint8_t beat[kBytes];
  top->clk_i = 0;
  top->rst_ni = 0;
  top->s_tvalid_i = 0;
  top->m_tready_i = 0;
#if !TB_ENGINE_RX
  top->c_tready_i = 0;
#endif
  top->cnt_sel_i = 0;
  for (int i = 0; i < 8; i++) {
    top->eval();
    top->clk_i = 1;
    top->eval();
    top->clk_i = 0;
  }
  top->rst_ni = 1;
  top->eval();

  std::vector<uint64_t> acc_first(frames.size(), 0), acc_last(frames.size(), 0);
  std::size_t fi = 0;       // frame being sent
  std::size_t beat_i = 0;   // beat of that frame
  bool pending = false;     // a beat is presented and not yet accepted

  std::vector<uint8_t> pkt;  // output packet being collected
  pkt.reserve(TB_MAX_FRAME + 2 * kBytes);
  uint64_t pkt_first = 0;
  uint32_t pkt_user = 0;  // RX: m_tuser of the frame's first beat
  (void)pkt_user;
  std::size_t npkt = 0;
  bool held = false;  // an output beat was presented with m_tready low last cycle
  Beat held_beat{};
#if !TB_ENGINE_RX
  bool c_held = false;  // a completion was presented with c_tready low last cycle
  std::string c_held_text;
  uint64_t ncompl = 0;
#endif
  uint64_t idle = 0;
  uint64_t hold_left = 0;      // "hold": cycles m_tready stays low
  std::size_t hold_frame = 0;  // frames before this one have had their hold started

  tb::Clock wall;
  for (;;) {
    if (fi == frames.size() && idle >= drain_idle && hold_left == 0) break;
    if (cycle >= cfg.max_cycles) {
      std::fprintf(stderr,
                   TB_NAME ": max_cycles %llu reached: %zu of %zu frames accepted, %zu packets out, "
                   "m_tvalid %d s_tready %d\n",
                   static_cast<unsigned long long>(cfg.max_cycles), fi, frames.size(), npkt,
                   static_cast<int>(top->m_tvalid_o), static_cast<int>(top->s_tready_o));
      std::fwrite(out.data(), 1, out.size(), stdout);  // partial results help debugging
      return 3;
    }
    if (fi < frames.size() && frames[fi].rst_cycles != 0 && beat_i == frames[fi].rst_beats) {
      // "rst": reset in the middle of the frame (or before it, with 0 beats); the frame ends here.
      const Frame& f = frames[fi];
      if (beat_i == 0) acc_first[fi] = cycle;
      acc_last[fi] = cycle;
      top->rst_ni = 0;
      top->s_tvalid_i = 0;
      for (uint64_t i = 0; i < f.rst_cycles; i++) {
        top->eval();
        top->clk_i = 1;
        top->eval();
        top->clk_i = 0;
        cycle++;
      }
      top->rst_ni = 1;
      top->eval();
      fi++;
      beat_i = 0;
      pending = false;
      pkt.clear();
      held = false;
      idle = 0;
      continue;
    }
    const bool gap = rng.chance(cfg.gap);
    bool ready = !rng.chance(cfg.stall);
    if (hold_frame <= fi && fi < frames.size() && (pending || !gap) && beat_i == 0) {
      hold_frame = fi + 1;
      if (frames[fi].hold > hold_left) hold_left = frames[fi].hold;
    }
    if (hold_left > 0) {
      ready = false;
      hold_left--;
    }

    // Input side.
    bool valid = pending || (fi < frames.size() && !gap);
    if (tb_break == 1 && pending && !tb_break_done) {  // fault 1: a waiting beat withdrawn
      valid = false;
      tb_break_done = true;
    }
    top->s_tvalid_i = valid;
    if (valid) {
      const Frame& f = frames[fi];
      const std::size_t at = beat_i * kBytes;
      const std::size_t n = f.len - at < static_cast<std::size_t>(kBytes) ? f.len - at : kBytes;
      std::memcpy(beat, &bytes[f.off + at], n);
      if (n < static_cast<std::size_t>(kBytes)) fillJunk(junk, beat + n, kBytes - static_cast<int>(n));
      putData(top->s_tdata_i, beat);
      const bool last = at + n == f.len;
      top->s_tkeep_i = n == static_cast<std::size_t>(kBytes) ? kKeepAll : ((1ULL << n) - 1);
      for (const auto& k : f.keeps)
        if (k.first == beat_i) top->s_tkeep_i = k.second;
      top->s_tlast_i = last;
      top->s_tuser_i = f.user;
      if (tb_break == 2 && pending && !tb_break_done) {  // fault 2: a waiting beat changes
        beat[0] ^= 0xff;
        putData(top->s_tdata_i, beat);
        tb_break_done = true;
      }
    } else {
      fillJunk(junk, beat, kBytes);
      putData(top->s_tdata_i, beat);
      const uint64_t j = junk.next();
      top->s_tkeep_i = j & kKeepAll;
      top->s_tlast_i = (j >> 63) & 1;
      top->s_tuser_i = static_cast<uint32_t>(j >> 20) & 0x7ffff;
    }
    top->m_tready_i = ready;
#if !TB_ENGINE_RX
    top->c_tready_i = ready;  // the completion queue's reader stalls with the output
#endif
    top->eval();

#if !TB_ENGINE_RX
    // Completion stream, sampled before the edge: "t <cycle> <ctx> <record seq hex> <tag hex>".
    if (top->c_tvalid_o) {
      char buf[96];
      const auto& c = top->c_tdata_o;
      std::snprintf(buf, sizeof buf, "%u %08x%08x %08x%08x%08x%08x", (c[6] & 0xffffu), c[5], c[4], c[3], c[2], c[1], c[0]);
      if (c_held && c_held_text != buf) error("completion changed while c_tready was low (completion " + std::to_string(ncompl) + ")");
      if (ready) {
        out += "t " + std::to_string(cycle) + " " + buf + "\n";
        ncompl++;
        c_held = false;
      } else {
        c_held = true;
        c_held_text = buf;
      }
    } else {
      if (c_held) error("c_tvalid dropped before the completion was taken (completion " + std::to_string(ncompl) + ")");
      c_held = false;
    }
#endif

    // Output side, sampled before the edge.
    const bool mvalid = top->m_tvalid_o;
    if (mvalid) {
      Beat b;
      getData(top->m_tdata_o, b.data);
      b.keep = static_cast<uint64_t>(top->m_tkeep_o) & kKeepAll;
      b.last = top->m_tlast_o;
      if (held && (b.keep != held_beat.keep || b.last != held_beat.last ||
                   std::memcmp(b.data, held_beat.data, kBytes) != 0))
        error("output beat changed while m_tready was low (packet " + std::to_string(npkt) + ")");
      if (ready) {
        held = false;
#if TB_ENGINE_RX
        const uint32_t u = static_cast<uint32_t>(top->m_tuser_o) & 7;
        if (pkt.empty()) {
          pkt_first = cycle;
          pkt_user = u;
        } else if (u != pkt_user) {
          error("m_tuser changed within output frame " + std::to_string(npkt));
        }
#else
        if (pkt.empty()) pkt_first = cycle;
#endif
        if (!b.last && b.keep != kKeepAll) error("tkeep not all ones on a beat without tlast (packet " + std::to_string(npkt) + ")");
        if (b.last && !keepContiguous(b.keep)) error("tkeep not contiguous from bit 0 on the tlast beat (packet " + std::to_string(npkt) + ")");
        const int n = b.last ? __builtin_popcountll(b.keep) : kBytes;
        pkt.insert(pkt.end(), b.data, b.data + n);
        if (b.last) {
#if TB_ENGINE_RX
          // Oversize packets legitimately leave longer than MAX_FRAME (untouched).
          out += "p " + std::to_string(npkt) + " " + std::to_string(pkt_first) + " " + std::to_string(cycle) + " " +
                 std::to_string(pkt_user & 3) + " " + std::to_string(pkt_user >> 2) + " ";
#else
          if (pkt.size() > TB_MAX_FRAME) error("output packet " + std::to_string(npkt) + " of " + std::to_string(pkt.size()) + " bytes exceeds MAX_FRAME");
          out += "p " + std::to_string(npkt) + " " + std::to_string(pkt_first) + " " + std::to_string(cycle) + " ";
#endif
          if (static_cast<long long>(npkt) == corrupt_pkt && !pkt.empty()) pkt.back() ^= 0x01;
          appendHex(out, pkt.data(), pkt.size());
          out += '\n';
          npkt++;
          pkt.clear();
        } else if (pkt.size() > 4 * static_cast<std::size_t>(TB_MAX_FRAME)) {
          error("tlast missing: output packet " + std::to_string(npkt) + " runs past 4 x MAX_FRAME bytes");
          pkt.clear();
        }
      } else {
        held = true;
        held_beat = b;
      }
      idle = 0;
    } else {
      if (held) error("m_tvalid dropped before the beat was taken (packet " + std::to_string(npkt) + ")");
      held = false;
#if TB_ENGINE_RX
      if (top->s_tready_o) idle++;  // an engine still working on a frame keeps s_tready low
      else idle = 0;
#else
      idle++;
#endif
    }

    // Input handshake, sampled before the edge.
    if (valid) {
      if (top->s_tready_o) {
        idle = 0;  // the drain counts from the last input beat too, not only from the last output
        if (beat_i == 0) acc_first[fi] = cycle;
        if (top->s_tlast_i) {
          acc_last[fi] = cycle;
          fi++;
          beat_i = 0;
        } else {
          beat_i++;
        }
        pending = false;
      } else {
        pending = true;
      }
    }

#if VM_TRACE_FST
    const bool dump = fst && cycle >= fst_from && cycle <= fst_to;
    if (dump) fst->dump(2 * cycle);
#endif
    ctx->time(cycle);  // assertion messages print it
    top->clk_i = 1;
    top->eval();
#if VM_TRACE_FST
    if (dump) fst->dump(2 * cycle + 1);
#endif
    if (ctx->gotFinish()) {
      std::fprintf(stderr, TB_NAME ": assertion failed at cycle %llu (message on stdout)\n", static_cast<unsigned long long>(cycle));
      std::fflush(stdout);
#if VM_TRACE_FST
      if (fst) fst->close();
#endif
      return 4;
    }
    top->clk_i = 0;
    cycle++;
  }
  const double secs = wall.seconds();
  if (!pkt.empty()) error("tlast missing: output packet " + std::to_string(npkt) + " has " + std::to_string(pkt.size()) + " bytes and no tlast");

  for (std::size_t i = 0; i < frames.size(); i++)
    out += "a " + std::to_string(i) + " " + std::to_string(acc_first[i]) + " " + std::to_string(acc_last[i]) + "\n";
  for (uint32_t i = 0; i < 32; i++) {
    top->cnt_sel_i = i;
    top->eval();
    const uint64_t v = top->cnt_value_o;
    if (i < kCounters) out += "c " + std::to_string(i) + " " + std::to_string(v) + "\n";
    else if (v != 0) error("counter index " + std::to_string(i) + " reads " + std::to_string(v) + ", not 0");
  }
  tbk::dump(out, key_tables, dump_ids);
  if (errors > kMaxErrors) out += "e " + std::to_string(cycle) + " " + std::to_string(errors - kMaxErrors) + " more errors not shown\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::printf("stat parse_s %.6f frames %zu in_bytes %zu drain_idle %llu beat_bytes %d\n", parse_s, frames.size(),
              bytes.size(), static_cast<unsigned long long>(drain_idle), kBytes);
  std::printf("done %llu %.6f\n", static_cast<unsigned long long>(cycle), secs);
#if VM_TRACE_FST
  if (fst) fst->close();
#endif
  top->final();
  tb::write_coverage();
  return 0;
}
