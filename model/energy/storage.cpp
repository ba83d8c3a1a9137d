#include "ternac/model/energy/storage.h"

#include <fmt/format.h>

#include <algorithm>

namespace ternac {
namespace {

EnergyLine line(const std::string& group, const std::string& item, std::uint64_t bits,
                const EnergyRow& r) {
  return {group, item, bits, r.operation, r.width, r.pj, r.kind, r.source, r.family, r.scaled};
}

}  // namespace

std::vector<EnergyLine> storage_lines(const ArrayConfig& c, const OpCounts& n, const GemmShape& s,
                                      const ElementBits& b, const StorageConfig& st,
                                      const EnergyTable& t, std::vector<BufferPlace>* places) {
  std::vector<EnergyLine> out;
  // Traffic of this design: the counted stream bits are the ternary array's when b differs from
  // the array's own element widths (the FP16 baseline): scale them element for element.
  const auto scale = [](std::uint64_t bits, int have, int want) {
    return bits / static_cast<std::uint64_t>(have) * static_cast<std::uint64_t>(want);
  };
  const std::uint64_t wgt_bits = scale(n.wgt_stream_bits, c.weight_bits(), b.weight);
  const std::uint64_t act_bits = scale(n.act_stream_bits, kActBits, b.activation);
  const std::uint64_t bank_bits = scale(n.wgt_bank_write_bits, c.weight_bits(), b.weight);
  const std::uint64_t reg_bits =
      n.reg_pipe_bits + (b.activation - kActBits) * (n.act_stream_bits / kActBits);

  const EnergyRow reg = t.register_bit();
  out.push_back(line("registers", "reg_pipe_bits", reg_bits, reg));
  out.push_back(line("registers", "wgt_bank_write_bits", bank_bits, reg));

  // The lanes' partial-sum memories: each lane reads and writes its own TokenTile entries.
  const std::uint64_t psum_bytes =
      std::max<std::uint64_t>(8, std::uint64_t(c.token_tile) * std::uint64_t(c.acc_width) / 8);
  const EnergyRow psum = t.sram_read_bit(psum_bytes);
  out.push_back(line("onchip", "psum_read_bits", n.psum_read_bits, psum));
  out.push_back(line("onchip", "psum_write_bits", n.psum_write_bits, t.sram_write_bit(psum_bytes)));

  // The buffers behind the streams, placed on chip while they fit.
  struct Buffer {
    const char* name;
    const char* item;
    std::uint64_t bytes, traffic;
    bool write;
  };
  const Buffer buffers[] = {
      {"activations", "act_stream_bits", std::uint64_t{s.m} * s.k * b.activation / 8, act_bits,
       false},
      {"results", "res_stream_bits", std::uint64_t{s.m} * s.n * b.result / 8, n.res_stream_bits,
       true},
      {"weights", "wgt_stream_bits", (std::uint64_t{s.n} * s.k * b.weight + 7) / 8, wgt_bits,
       false},
  };
  std::uint64_t left = st.onchip_bytes;
  for (const Buffer& buf : buffers) {
    const std::uint64_t bytes = std::max<std::uint64_t>(8, buf.bytes);
    const bool onchip = bytes <= left;
    if (onchip) left -= bytes;
    const EnergyRow r = !onchip     ? t.dram_bit()
                        : buf.write ? t.sram_write_bit(bytes)
                                    : t.sram_read_bit(bytes);
    out.push_back(line(onchip ? "onchip" : "offchip", buf.item, buf.traffic, r));
    if (places) places->push_back({buf.name, buf.bytes, onchip ? "on-chip" : "off-chip"});
  }
  if (places) places->push_back({"partial sums", psum_bytes * std::uint64_t(c.lanes), "on-chip"});
  return out;
}

namespace {

bool arithmetic(const EnergyLine& l) {
  return l.group == "select" || l.group == "multiply" || l.group == "tree" ||
         l.group == "accumulate";
}

ElementBits array_bits(const ArrayConfig& c) { return {c.weight_bits(), kActBits, c.acc_width}; }

}  // namespace

EnergyBreakdown counted_energy(const ArrayConfig& c, const OpCounts& n, const GemmShape& shape,
                               const EnergyTable& t, const StorageConfig& st) {
  EnergyBreakdown b = array_energy(c, n, shape.macs(), t);
  b.lines.erase(std::remove_if(b.lines.begin(), b.lines.end(),
                               [](const EnergyLine& l) { return !arithmetic(l); }),
                b.lines.end());
  for (EnergyLine& l : storage_lines(c, n, shape, array_bits(c), st, t)) b.lines.push_back(l);
  return b;
}

EnergyBreakdown fp16_counted_energy(const ArrayConfig& c, const OpCounts& n, const GemmShape& shape,
                                    const EnergyTable& t, const StorageConfig& st) {
  EnergyBreakdown b = fp16_energy(c, n, shape.macs(), t);
  b.lines.erase(std::remove_if(b.lines.begin(), b.lines.end(),
                               [](const EnergyLine& l) { return !arithmetic(l); }),
                b.lines.end());
  for (EnergyLine& l : storage_lines(c, n, shape, {16, 16, c.acc_width}, st, t)) {
    b.lines.push_back(l);
  }
  return b;
}

EnergyBreakdown activity_storage_energy(const ArrayConfig& c, const MonitorCounts& m,
                                        const GemmShape& shape, const EnergyTable& t,
                                        const ActivityCalibration& cal, const StorageConfig& st) {
  EnergyBreakdown b = activity_energy(c, m, shape.macs(), t, cal);
  b.lines.erase(std::remove_if(b.lines.begin(), b.lines.end(),
                               [](const EnergyLine& l) { return l.group == "buffers"; }),
                b.lines.end());
  for (EnergyLine& l : storage_lines(c, m.ops, shape, array_bits(c), st, t)) {
    if (l.group != "registers") b.lines.push_back(l);  // activity_energy charged their toggles
  }
  return b;
}

}  // namespace ternac
