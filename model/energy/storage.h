// Storage in the energy model (docs/energy.md): where each buffer of the array lives and what
// its traffic costs. The RTL's counters give the traffic (bits written to registers, partial-sum
// bits, stream bits); this model places each buffer at a storage level by its size:
//   registers   flip-flops in the RTL: the stage-0 and tree registers, the weight banks
//   on-chip     SRAM of the buffer's capacity (the tables' capacity rule): the lanes' partial-sum
//               memories, and the activation, result and weight buffers behind the streams while
//               they fit in the on-chip capacity (activations first, then results, then weights)
//   off-chip    DRAM, per bit: a stream buffer that does not fit
// and reports arithmetic, arithmetic + on-chip storage, and + off-chip traffic.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ternac/model/core/config.h"
#include "ternac/model/core/gemm.h"
#include "ternac/model/core/op_counts.h"
#include "ternac/model/energy/energy_model.h"
#include "ternac/model/energy/energy_table.h"

namespace ternac {

struct StorageConfig {
  // On-chip SRAM for the buffers behind the streams. 1 MB: the largest SRAM Horowitz publishes
  // (a 32 nm-era accelerator's global buffer is 100 KB to a few MB).
  std::uint64_t onchip_bytes = std::uint64_t{1} << 20;
};

// Bits of one element of each stream's data for a design.
struct ElementBits {
  int weight = 2;      // 2 (trit codes), 8 (INT8), 16 (FP16)
  int activation = 8;  // 8, or 16 (FP16)
  int result = 32;     // the accumulator width
};

// Where one buffer lives and why.
struct BufferPlace {
  std::string buffer;  // weights, activations, results, partial sums
  std::uint64_t bytes = 0;
  std::string level;  // on-chip | off-chip
};

// The storage lines (groups "registers", "onchip", "offchip") of a GEMM of `shape` on `config`
// with `counts` of traffic (the ternary array's counts serve the FP16 baseline, scaled to its
// element widths through `bits`), and where each buffer went.
std::vector<EnergyLine> storage_lines(const ArrayConfig& config, const OpCounts& counts,
                                      const GemmShape& shape, const ElementBits& bits,
                                      const StorageConfig& storage, const EnergyTable& table,
                                      std::vector<BufferPlace>* places = nullptr);

// The counted estimate with storage: the arithmetic lines of array_energy (selects, multiplies,
// tree and accumulator adds at their table energy) and storage_lines for the array's traffic.
EnergyBreakdown counted_energy(const ArrayConfig& config, const OpCounts& counts,
                               const GemmShape& shape, const EnergyTable& table,
                               const StorageConfig& storage = {});
// The FP16 MAC baseline on the same work: one FP16 multiply and add per MAC, and the ternary
// array's traffic with 16-bit weights and activations (partial sums and results stay 32-bit:
// FP32 accumulation).
EnergyBreakdown fp16_counted_energy(const ArrayConfig& ternary_config, const OpCounts& ternary,
                                    const GemmShape& shape, const EnergyTable& table,
                                    const StorageConfig& storage = {});
// The activity estimate with storage: activity_energy's arithmetic and register lines, and the
// on-chip and off-chip lines of storage_lines (SRAM and DRAM cost per access).
EnergyBreakdown activity_storage_energy(const ArrayConfig& config, const MonitorCounts& m,
                                        const GemmShape& shape, const EnergyTable& table,
                                        const ActivityCalibration& calibration,
                                        const StorageConfig& storage = {});

}  // namespace ternac
