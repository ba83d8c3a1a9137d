// ternac shapes: the built-in models' layer shapes, or the one layer that claims and the sweep
// would run, chosen and checked by the same function (choose_layer) without simulating anything.
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "ternac/model/workload/workload.h"
#include "ternac/sim/cli/commands.h"
#include "ternac/sim/cli/workloads.h"

namespace ternac::cli {
namespace {

void print_model(const ModelShape& m) {
  fmt::print("{} linear layers (out x in = N x K), per transformer block ({} blocks):\n", m.title,
             m.blocks);
  for (const LayerShape& l : m.block_layers()) {
    fmt::print("  {:<12} N={:<5} K={:<5} {:.2f} M weights\n", l.name, l.n, l.k,
               static_cast<double>(l.n) * l.k / 1e6);
  }
}

}  // namespace

Command add_shapes(CLI::App& root) {
  return make_command(
      root, "shapes",
      "list a built-in model's layer shapes (default 2b4t), or check and print one layer as "
      "claims and the sweep choose it (--layer, --workload, --n/--k, --gguf/--tensor)",
      [](Options& o) {
        declare_layer_options(o, "ffn_down");
        o.value("format", "F", "text or json (default: text)");
        declare_memory_limit(o);
      },
      [](const Options& o) {
        const std::string format = o.str("format", "text");
        if (format != "text" && format != "json") {
          throw std::invalid_argument("--format must be text or json, not '" + format + "'");
        }
        if (!names_one_layer(o)) {
          const ModelShape& m = model_shape(o.str("model", "2b4t"));
          if (format == "text") {
            print_model(m);
            return kExitOk;
          }
          nlohmann::ordered_json layers = nlohmann::ordered_json::array();
          for (const LayerShape& l : m.block_layers()) {
            layers.push_back({{"name", l.name}, {"n", l.n}, {"k", l.k}});
          }
          fmt::print(
              "{}\n",
              nlohmann::ordered_json{
                  {"model", m.name}, {"title", m.title}, {"blocks", m.blocks}, {"layers", layers}}
                  .dump());
          return kExitOk;
        }
        Files files;
        for (const auto& [option, path] : layer_input_files(o)) files.input(option, path);
        files.check();
        const ChosenLayer layer = choose_layer(o, "ffn_down", memory_limit(o));
        if (format == "text") {
          fmt::print("{}: N={} K={} ({:.2f} M weights{})\n", layer.title, layer.shape.n,
                     layer.shape.k, static_cast<double>(layer.shape.n) * layer.shape.k / 1e6,
                     layer.weights.empty()
                         ? ""
                         : fmt::format(", {:.4f} of them zero", layer.zero_fraction()));
          return kExitOk;
        }
        nlohmann::ordered_json j{{"title", layer.title},
                                 {"kind", layer.kind},
                                 {"n", layer.shape.n},
                                 {"k", layer.shape.k}};
        if (!layer.weights.empty()) j["zero_fraction"] = layer.zero_fraction();
        fmt::print("{}\n", j.dump());
        return kExitOk;
      });
}

}  // namespace ternac::cli
