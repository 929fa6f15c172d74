// Bench of the GHASH unit (top tb_ghash_top = tlsnic_ghash_powers + tlsnic_ghash; prefix Vtop,
// built with -DTB_LANES=<n>).
//
// Input records, one beat a line:
//   <H: 32 hex> <n blocks> <chain 0|1> <acc in: 32 hex> <blocks: LANES*32 hex, lane 0 last>
// Output, one line per beat leaving the unit, in order:
//   o <beat index> <cycle accepted> <cycle delivered> <acc out: 32 hex>
// then "done <cycles> <wall seconds>". en_i = ready | ~valid_o, ready low on `stall` permille
// of cycles; valid_i low on `gap` permille.
#include <memory>

#include "Vtop.h"
#include "tb_common.h"

int main(int argc, char** argv) {
  Verilated::commandArgs(argc, argv);
  tb::Cfg cfg;
  const auto recs = tb::readBatch(cfg);
  tb::Prng rng(cfg.seed);
  auto top = std::make_unique<Vtop>();
  constexpr int kBits = TB_LANES * 128;

  std::vector<uint64_t> in_cycle(recs.size(), 0);
  std::string out;
  out.reserve(recs.size() * 80);

  // Reset with the enable on so every delay register is flushed.
  top->rst_ni = 0;
  top->en_i = 1;
  top->valid_i = 0;
  for (int i = 0; i < 4; i++) {
    top->clk_i = 0; top->eval();
    top->clk_i = 1; top->eval();
  }
  top->clk_i = 0;
  top->rst_ni = 1;
  top->eval();

  tb::Clock wall;
  std::size_t next = 0, done = 0;
  uint64_t cycle = 0;
  while (done < recs.size()) {
    if (cycle >= cfg.max_cycles) { std::fprintf(stderr, "tb_ghash: max_cycles reached\n"); return 3; }
    const bool gap = rng.chance(cfg.gap);
    const bool ready = !rng.chance(cfg.stall);
    const bool drive = next < recs.size() && !gap;
    top->valid_i = drive;
    if (drive) {
      const auto& f = recs[next];
      tb::need(f, 5, "ghash");
      tb::setHex(top->h_i, f[0], 128);
      top->nblk_i = static_cast<uint8_t>(std::stoul(f[1]));
      top->chain_i = f[2] == "1";
      tb::setHex(top->acc_i, f[3], 128);
      tb::setHex(top->blk_i, f[4], kBits);
      top->sb_i = static_cast<uint32_t>(next);
    }
    const bool en = ready || !top->valid_o;
    top->en_i = en;
    top->eval();
    if (en && top->valid_o) {
      const uint32_t idx = top->sb_o;
      out += "o " + std::to_string(idx) + " " + std::to_string(in_cycle[idx]) + " " +
             std::to_string(cycle) + " " + tb::getHex(top->acc_o, 128) + "\n";
      done++;
    }
    if (en && drive) in_cycle[next++] = cycle;
    top->clk_i = 1;
    top->eval();
    top->clk_i = 0;
    top->eval();
    cycle++;
  }
  const double secs = wall.seconds();
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::printf("done %llu %.6f\n", static_cast<unsigned long long>(cycle), secs);
  top->final();
  return 0;
}
