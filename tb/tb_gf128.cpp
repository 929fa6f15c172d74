// Bench of tb_gf128_top (tlsnic_gf128_mul, tlsnic_gf128_sq; prefix Vtop). Combinational: one
// input record a line, "<a: 32 hex> <b: 32 hex>"; output "p <a*b: 32 hex> <a^2: 32 hex>" a line,
// then "done <records> <wall seconds>".
#include <memory>

#include "Vtop.h"
#include "tb_common.h"

int main(int argc, char** argv) {
  Verilated::commandArgs(argc, argv);
  tb::Cfg cfg;
  const auto recs = tb::readBatch(cfg);
  auto top = std::make_unique<Vtop>();
  std::string out;
  out.reserve(recs.size() * 70);
  tb::Clock wall;
  for (const auto& f : recs) {
    tb::need(f, 2, "gf128");
    tb::setHex(top->a_i, f[0], 128);
    tb::setHex(top->b_i, f[1], 128);
    top->eval();
    out += "p " + tb::getHex(top->mul_o, 128) + " " + tb::getHex(top->sq_o, 128) + "\n";
  }
  const double secs = wall.seconds();
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::printf("done %zu %.6f\n", recs.size(), secs);
  top->final();
  return 0;
}
