// ternac config: the configuration of the built-in array, as its RTL reports it.
#include <fmt/format.h>

#include "commands.h"
#include "harness.h"

namespace ternac::cli {

Command add_config(CLI::App& root) {
  return make_command(
      root, "config", "print the configuration of the built-in array", [](Options&) {},
      [](const Options&) {
        Harness harness;
        const ArrayConfig& c = harness.config();
        fmt::print(
            "array {}: Lanes={} TreeInputs={} AccWidth={} WeightRowsPerBeat={} TokenTile={}\n",
            c.name(), c.lanes, c.tree_inputs, c.acc_width, c.weight_rows_per_beat, c.token_tile);
        fmt::print("peak {} ternary MACs/cycle, max K {}, max M and N {}\n",
                   c.peak_macs_per_cycle(), c.max_k(), kMaxDim);
        return kExitOk;
      });
}

}  // namespace ternac::cli
