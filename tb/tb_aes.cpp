// Bench of tlsnic_aes_pipe (top prefix Vtop, built with -DTB_LANES=<n>, SB_W = 32).
//
// Input records, one beat a line:  <key256 0|1> <key: 64 hex> <blocks: LANES*32 hex, lane 0 last>
// Output, one line per beat leaving the pipeline, in order:
//   o <beat index> <cycle accepted> <cycle delivered> <blocks hex>
// then "done <cycles> <wall seconds>". The pipe's en_i is driven as (ready | ~valid_o) with
// ready low on a random `stall` permille of cycles; valid_i is held low on `gap` permille.
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
  out.reserve(recs.size() * (kBits / 4 + 40));

  top->clk_i = 0;
  top->rst_ni = 0;
  top->en_i = 0;
  top->valid_i = 0;
  top->eval();
  top->rst_ni = 1;
  top->eval();

  tb::Clock wall;
  std::size_t next = 0, done = 0;
  uint64_t cycle = 0;
  while (done < recs.size()) {
    if (cycle >= cfg.max_cycles) { std::fprintf(stderr, "tb_aes: max_cycles reached\n"); return 3; }
    const bool gap = rng.chance(cfg.gap);
    const bool ready = !rng.chance(cfg.stall);
    const bool drive = next < recs.size() && !gap;
    top->valid_i = drive;
    if (drive) {
      const auto& f = recs[next];
      tb::need(f, 3, "aes");
      top->key256_i = f[0] == "1";
      tb::setHex(top->key_i, f[1], 256);
      tb::setHex(top->blk_i, f[2], kBits);
      top->sb_i = static_cast<uint32_t>(next);
    }
    const bool en = ready || !top->valid_o;
    top->en_i = en;
    top->eval();
    if (en && top->valid_o) {
      const uint32_t idx = top->sb_o;
      out += "o " + std::to_string(idx) + " " + std::to_string(in_cycle[idx]) + " " +
             std::to_string(cycle) + " " + tb::getHex(top->blk_o, kBits) + "\n";
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
