// ternac shapes: the built-in BitNet b1.58 2B4T layer shapes.
#include <fmt/format.h>

#include "ternac/model/workload/workload.h"
#include "ternac/sim/cli/commands.h"

namespace ternac::cli {

Command add_shapes(CLI::App& root) {
  return make_command(
      root, "shapes", "list the built-in BitNet b1.58 2B4T layer shapes", [](Options&) {},
      [](const Options&) {
        fmt::print("BitNet b1.58 2B4T linear layers (out x in = N x K), per transformer block:\n");
        for (const LayerShape& l : bitnet_2b4t_layers()) {
          fmt::print("  {:<12} N={:<5} K={:<5} {:.2f} M weights\n", l.name, l.n, l.k,
                     static_cast<double>(l.n) * l.k / 1e6);
        }
        return kExitOk;
      });
}

}  // namespace ternac::cli
