// tlsnic_aes_sbox_rom: two AES S-box lookups from one ROM with two read ports, outputs registered
// (latency 1, holding while en_i is low). tlsnic_aes_pipe's data lanes take SubBytes from these.
//
// Why a ROM with registered reads (issue 16: area): as logic, an S-box is 32 LUT6 (eight
// functions of eight inputs), 37.5k LUT for the ~1,120 data S-boxes of an engine at W = 512;
// as a read-registered ROM with rom_style "block", Yosys's synth_xilinx puts each pair of
// lookups in one RAMB18E2 (both ports; 256 x 8 of its 18 Kb) and no LUT. The pipeline register
// each AES stage needs anyway is the RAM's output register. The generic flow maps the ROM to
// logic and flip-flops (its memory_map of ROMs), so the netlist re-simulation still runs it.
//
// Contents: computed from FIPS-197's definition (tlsnic_aes_pkg::aes_sbox_calc: the inverse in
// GF(2^8) and the affine map) when the ROM is built, not a copied table. The synthesis flow's
// S-box proof checks the ROM's initial contents in Yosys's memory dump against a table computed
// independently in TypeScript (harness/synth/sbox.ts).
module tlsnic_aes_sbox_rom (
  input  logic       clk_i,
  input  logic       en_i,
  input  logic [7:0] a_i,
  input  logic [7:0] b_i,
  output logic [7:0] ya_o,
  output logic [7:0] yb_o
);

  // One copy of the C++ for every instance: inlined, Verilator wrote each of an engine's ~560 ROMs'
  // initial contents out separately, and the W = 512 engine's C++ took over 15 minutes to compile.
  /* verilator no_inline_module */

  (* rom_style = "block" *) logic [7:0] rom [256];

  initial begin
    for (int i = 0; i < 256; i++) rom[i] = tlsnic_aes_pkg::aes_sbox_calc(8'(i));
  end

  // No reset: the data flops of the pipeline are qualified by its valid bits.
  always_ff @(posedge clk_i) begin
    if (en_i) begin
      ya_o <= rom[a_i];
      yb_o <= rom[b_i];
    end
  end

endmodule
