// Bench of tlsnic_rx_cuckoo, the RX flow table v2 (top prefix Vtop). One batch on stdin:
//   p <key: 74 hex>              a key of the background pool (before the first command)
//   k <hash key: 32 hex>         load a hash key (the table clears; waits for the sweep)
//   i <ctx id> <key: 74 hex>     install        d <ctx id>   delete
//   l <key: 74 hex>              a lookup while no command runs
// Keys are the 296-bit flow key with byte p in bits [8p +: 8], as hex, most significant first.
// Output:
//   r <cmd> <status> <slot> <ctx id> <cycles accepted -> result>
//   f <n> <hit> <ctx id> <slot>                    (foreground lookups)
//   b <cmd> <pool index> <hit> <ctx id>            (a lookup of the pool issued in every cycle a
//                                                   command runs, compared one cycle later)
// then "done <cycles> <wall seconds>".
#include <memory>

#include "Vtop.h"
#include "tb_common.h"

namespace {
Vtop* top;
uint64_t cycle = 0;
tb::Cfg cfg;
void edge() {
  top->clk_i = 1;
  top->eval();
  top->clk_i = 0;
  top->eval();
  if (++cycle >= cfg.max_cycles) { std::fprintf(stderr, "tb_cuckoo: max_cycles reached\n"); std::exit(3); }
}
}  // namespace

int main(int argc, char** argv) {
  Verilated::commandArgs(argc, argv);
  const auto recs = tb::readBatch(cfg);
  auto topp = std::make_unique<Vtop>();
  top = topp.get();
  std::vector<std::string> pool;
  std::string out;

  top->clk_i = 0;
  top->rst_ni = 0;
  top->hk_we_i = 0;
  top->lk_re_i = 0;
  top->cmd_valid_i = 0;
  top->eval();
  top->rst_ni = 1;
  top->eval();
  while (top->busy_o) edge();

  tb::Clock wall;
  long cmd = -1, nf = 0;
  for (const auto& f : recs) {
    if (f[0] == "p") { tb::need(f, 2, "p"); pool.push_back(f[1]); continue; }
    if (f[0] == "k") {
      tb::need(f, 2, "k");
      tb::setHex(top->hk_i, f[1], 128);
      top->hk_we_i = 1;
      top->eval();
      edge();
      top->hk_we_i = 0;
      top->eval();
      while (top->busy_o) edge();
      continue;
    }
    if (f[0] == "l") {
      tb::need(f, 2, "l");
      tb::setHex(top->lk_key_i, f[1], 296);
      top->lk_re_i = 1;
      top->eval();
      edge();
      top->lk_re_i = 0;
      tb::setHex(top->lk_key_b_i, f[1], 296);
      top->eval();
      out += "f " + std::to_string(nf++) + " " + std::to_string(top->lk_hit_o) + " " +
             std::to_string(top->lk_cid_o) + " " + std::to_string(top->lk_slot_o) + "\n";
      continue;
    }
    const bool del = f[0] == "d";
    if (!del && f[0] != "i") { std::fprintf(stderr, "tb_cuckoo: unknown record '%s'\n", f[0].c_str()); return 2; }
    tb::need(f, del ? 2 : 3, "command");
    cmd++;
    top->cmd_valid_i = 1;
    top->cmd_del_i = del;
    top->cmd_cid_i = static_cast<uint16_t>(std::stoul(f[1]));
    if (!del) tb::setHex(top->cmd_key_i, f[2], 296);
    top->eval();
    if (!top->cmd_ready_o) { std::fprintf(stderr, "tb_cuckoo: not ready for a command\n"); return 3; }
    const uint64_t start = cycle;
    // Background lookups: one issued per cycle from the command's acceptance to its result.
    long prev = -1;
    std::size_t pi = static_cast<std::size_t>(cmd) % (pool.empty() ? 1 : pool.size());
    bool fin = false;
    while (!fin) {
      if (prev >= 0) tb::setHex(top->lk_key_b_i, pool[static_cast<std::size_t>(prev)], 296);
      const bool issue = !pool.empty();
      top->lk_re_i = issue;
      if (issue) tb::setHex(top->lk_key_i, pool[pi], 296);
      top->eval();
      if (prev >= 0) {
        out += "b " + std::to_string(cmd) + " " + std::to_string(prev) + " " + std::to_string(top->lk_hit_o) +
               " " + std::to_string(top->lk_cid_o) + "\n";
      }
      if (top->res_valid_o) {
        out += "r " + std::to_string(cmd) + " " + std::to_string(top->res_status_o) + " " +
               std::to_string(top->res_slot_o) + " " + std::to_string(top->res_cid_o) + " " +
               std::to_string(cycle - start) + "\n";
        fin = true;
      }
      prev = issue ? static_cast<long>(pi) : -1;
      if (issue) pi = (pi + 1) % pool.size();
      edge();
      top->cmd_valid_i = 0;
    }
    // The last lookup issued is compared in the next cycle.
    if (prev >= 0) {
      tb::setHex(top->lk_key_b_i, pool[static_cast<std::size_t>(prev)], 296);
      top->lk_re_i = 0;
      top->eval();
      out += "b " + std::to_string(cmd) + " " + std::to_string(prev) + " " + std::to_string(top->lk_hit_o) +
             " " + std::to_string(top->lk_cid_o) + "\n";
    }
    top->lk_re_i = 0;
    top->eval();
  }
  const double secs = wall.seconds();
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::printf("done %llu %.6f\n", static_cast<unsigned long long>(cycle), secs);
  top->final();
  tb::write_coverage();
  return 0;
}
