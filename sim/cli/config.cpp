// ternac config: array configurations. Without options, the built-in array as its RTL reports
// it; with --config NAME (rtl/configs.csv) or parameter options, that configuration, checked by
// the rules every derived copy shares (ArrayConfig::validate; the RTL's elaboration checks apply
// the same ones, test config_rules_agree); --check only says whether it is legal (exit 0, or 2
// with the rule it breaks); --list lists the named configurations.
#include <fmt/format.h>

#include <iostream>
#include <optional>

#include "ternac/model/base/text_io.h"
#include "ternac/sim/cli/commands.h"
#include "ternac/sim/cli/harness.h"
#include "ternac/sim/cli/report.h"
#include "ternac/sim/cli/variant.h"

namespace ternac::cli {
namespace {

// The parameter options, in ternac_top's order: option name, what the help says.
struct Param {
  const char* option;
  const char* help;
};
const Param kParams[] = {
    {"lanes", "Lanes: output rows computed at once"},
    {"tree-inputs", "TreeInputs: the adder tree's fan-in (inputs per lane)"},
    {"acc-width", "AccWidth: accumulator bits"},
    {"rows-per-beat",
     "WeightRowsPerBeat: weight rows per beat of the weight port (default: Lanes)"},
    {"token-tile", "TokenTile: tokens per partial-sum block"},
    {"datapath", "ternary or int8 (the INT8 baseline)"},
    {"pipe-every", "PipeEvery: a register after every P-th tree level (0: combinational)"},
    {"width-cap", "LevelWidthCap: tree levels capped at C bits (0: full precision)"},
    {"reduction", "signed, split or csa"},
};

bool any_param(const Options& o) {
  for (const Param& p : kParams) {
    if (o.has(p.option)) return true;
  }
  return false;
}

// The configuration the options describe: --config's row (default: "default"), then each
// parameter option over it. Throws std::invalid_argument naming a bad value or rule.
ArrayConfig requested(const Options& o) {
  const std::vector<NamedConfig> named = load_named_configs(
      o.has("configs-file") ? o.str("configs-file", "") : default_configs_file());
  ArrayConfig c = find_named_config(named, o.str("config", "default")).config;
  const auto num = [&](const char* name, int value) {
    return static_cast<int>(o.decimal(name, 0, 1u << 20, static_cast<std::uint64_t>(value)));
  };
  c.lanes = num("lanes", c.lanes);
  c.weight_rows_per_beat = o.has("lanes") ? c.lanes : c.weight_rows_per_beat;
  c.weight_rows_per_beat = num("rows-per-beat", c.weight_rows_per_beat);
  c.tree_inputs = num("tree-inputs", c.tree_inputs);
  c.acc_width = num("acc-width", c.acc_width);
  c.token_tile = num("token-tile", c.token_tile);
  c.pipe_every = num("pipe-every", c.pipe_every);
  c.level_width_cap = num("width-cap", c.level_width_cap);
  if (o.has("datapath")) {
    const std::string d = o.str("datapath", "");
    if (d != "ternary" && d != "int8") {
      throw std::invalid_argument(
          fmt::format("--datapath: expected ternary or int8, got '{}'", printable(d)));
    }
    c.datapath = d == "int8" ? Datapath::kInt8 : Datapath::kTernary;
  }
  if (o.has("reduction")) c.reduction = parse_reduction(o.str("reduction", ""));
  c.validate();
  return c;
}

Json describe(const ArrayConfig& c) {
  Json j = config_json(c);
  j["operand_bits"] = c.operand_bits();
  j["tree_levels"] = c.tree_levels();
  j["root_width"] = c.tree_width();
  j["min_acc_width"] = c.tree_width() + 1;
  j["tree_stages"] = c.tree_stages();
  j["max_k"] = c.max_k();
  return j;
}

void print_text(const ArrayConfig& c, const char* what) {
  fmt::print(
      "{} {}: Lanes={} TreeInputs={} AccWidth={} WeightRowsPerBeat={} TokenTile={} Datapath={} "
      "PipeEvery={} LevelWidthCap={} Reduction={}\n",
      what, c.name(), c.lanes, c.tree_inputs, c.acc_width, c.weight_rows_per_beat, c.token_tile,
      c.int8() ? "int8" : "ternary", c.pipe_every, c.level_width_cap, reduction_name(c.reduction));
  fmt::print(
      "tree: {} levels of {}-bit operands, root {} bits (AccWidth at least {}), {} register "
      "stages\n",
      c.tree_levels(), c.operand_bits(), c.tree_width(), c.tree_width() + 1, c.tree_stages());
  fmt::print("peak {} MACs/cycle, max K {}, max M and N {}\n", c.peak_macs_per_cycle(), c.max_k(),
             kMaxDim);
}

}  // namespace

void declare_array_options(Options& o) {
  o.value("description", "FILE",
          "the options of this run from a run description file (JSON; docs/outputs.md)");
  o.value("config", "NAME",
          "run on a named array configuration of rtl/configs.csv instead of the built-in one "
          "(built on first use, then cached; docs/build_cache.md)");
  for (const Param& p : kParams) o.value(p.option, "V", p.help);
}

std::optional<ArrayConfig> requested_array(const Options& o) {
  if (!o.has("config") && !any_param(o)) return std::nullopt;
  return requested(o);
}

Command add_config(CLI::App& root) {
  return make_command(
      root, "config",
      "array configurations: the built-in array, a named one (rtl/configs.csv) or any parameters, "
      "checked by the rules the RTL applies",
      [](Options& o) {
        o.value("config", "NAME", "a named configuration of rtl/configs.csv (default: default)");
        for (const Param& p : kParams) o.value(p.option, "V", p.help);
        o.flag("check",
               "only check the configuration: exit 0 when the RTL accepts it, 2 with the rule it "
               "breaks");
        o.flag("list", "list the named configurations");
        o.value("format", "F", "text or json (default: text)");
        o.value("configs-file", "FILE",
                "the named configurations (default: $TERNAC_CONFIGS_FILE, else rtl/configs.csv)");
      },
      [](const Options& o) {
        const std::string format = o.str("format", "text");
        if (format != "text" && format != "json") {
          throw std::invalid_argument(
              fmt::format("--format: expected text or json, got '{}'", printable(format)));
        }
        const bool json = format == "json";
        if (o.has("list")) {
          if (o.has("check") || o.has("config") || any_param(o)) {
            throw std::invalid_argument("--list takes no configuration");
          }
          const std::vector<NamedConfig> named =
              load_named_configs(o.str("configs-file", default_configs_file()));
          Json list = Json::array();
          for (const NamedConfig& n : named) {
            if (json) {
              Json j = describe(n.config);
              j["config"] = n.name;
              j["use"] = n.use;
              list.push_back(j);
            } else {
              fmt::print("{:<20} {:<6} {}\n", n.name, n.use, n.config.name());
            }
          }
          if (json) fmt::print("{}\n", json_text(list));
          return kExitOk;
        }
        if (!o.has("config") && !any_param(o)) {
          if (o.has("check")) throw std::invalid_argument("--check needs --config or parameters");
          Harness harness;
          const ArrayConfig& c = harness.config();
          if (json) {
            fmt::print("{}\n", json_text(describe(c)));
          } else {
            print_text(c, "built-in array");
          }
          return kExitOk;
        }
        const ArrayConfig c = requested(o);  // throws std::invalid_argument: exit 2
        if (json) {
          Json j = describe(c);
          j["legal"] = true;
          fmt::print("{}\n", json_text(j));
        } else if (o.has("check")) {
          fmt::print("legal: {}\n", c.name());
        } else {
          print_text(c, "array");
        }
        return kExitOk;
      });
}

}  // namespace ternac::cli
