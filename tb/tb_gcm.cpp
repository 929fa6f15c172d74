// Bench of tlsnic_gcm_datapath (prefix Vtop, built with -DTB_LANES=<n>, USER_W = 32).
//
// Input records, one beat a line (hex fields are big-endian, lane 0 last):
//   <key256 0|1> <key 64> <H 32> <acc 32> <flags: chain=1|decrypt=2|install=4, decimal>
//   <iv 24> <ctr LANES*8> <kind: LANES*2-bit value, decimal> <mask LANES*4> <data LANES*32>
// The bench sets in_user_i to the beat index.
// Output, one line per beat delivered, in order:
//   o <beat index> <cycle accepted> <cycle delivered> <flags: tag_valid=1|install=2>
//     <data LANES*32> <acc 32> <tag 32>
// then "done <cycles> <wall seconds>". out_ready_i is low on `stall` permille of cycles;
// in_valid_i is low on `gap` permille of cycles while input is waiting.
#include <memory>

#include "Vtop.h"
#include "tb_common.h"

int main(int argc, char** argv) {
  Verilated::commandArgs(argc, argv);
  tb::Cfg cfg;
  const auto recs = tb::readBatch(cfg);
  tb::Prng rng(cfg.seed);
  auto top = std::make_unique<Vtop>();
  constexpr int kL = TB_LANES;

  std::vector<uint64_t> in_cycle(recs.size(), 0);
  std::string out;
  out.reserve(recs.size() * (kL * 32 + 120));

  top->rst_ni = 0;
  top->in_valid_i = 0;
  top->out_ready_i = 1;
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
    if (cycle >= cfg.max_cycles) { std::fprintf(stderr, "tb_gcm: max_cycles reached\n"); return 3; }
    const bool gap = rng.chance(cfg.gap);
    const bool ready = !rng.chance(cfg.stall);
    const bool drive = next < recs.size() && !gap;
    top->in_valid_i = drive;
    if (drive) {
      const auto& f = recs[next];
      tb::need(f, 10, "gcm");
      top->in_key256_i = f[0] == "1";
      tb::setHex(top->in_key_i, f[1], 256);
      tb::setHex(top->in_h_i, f[2], 128);
      tb::setHex(top->in_acc_i, f[3], 128);
      const unsigned flags = static_cast<unsigned>(std::stoul(f[4]));
      top->in_chain_i = flags & 1;
      top->in_decrypt_i = (flags >> 1) & 1;
      top->in_install_i = (flags >> 2) & 1;
      tb::setHex(top->in_iv_i, f[5], 96);
      tb::setHex(top->in_ctr_i, f[6], kL * 32);
      top->in_kind_i = static_cast<uint8_t>(std::stoul(f[7]));
      tb::setHex(top->in_mask_i, f[8], kL * 16);
      tb::setHex(top->in_data_i, f[9], kL * 128);
      top->in_user_i = static_cast<uint32_t>(next);
    }
    top->out_ready_i = ready;
    top->eval();
    if (ready && top->out_valid_o) {
      const uint32_t idx = top->out_user_o;
      const unsigned oflags = (top->out_tag_valid_o ? 1u : 0u) | (top->out_install_o ? 2u : 0u);
      out += "o " + std::to_string(idx) + " " + std::to_string(in_cycle[idx]) + " " +
             std::to_string(cycle) + " " + std::to_string(oflags) + " " +
             tb::getHex(top->out_data_o, kL * 128) + " " + tb::getHex(top->out_acc_o, 128) + " " +
             tb::getHex(top->out_tag_o, 128) + "\n";
      done++;
    }
    if (drive && top->in_ready_o) in_cycle[next++] = cycle;
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
