#include "workloads.h"

#include <fmt/format.h>

#include <fstream>
#include <stdexcept>

#include "text_io.h"

namespace ternac::cli {

LayerShape model_layer(const ModelShape& model, const std::string& name) {
  std::string known;
  for (const LayerShape& l : model.block_layers()) {
    if (l.name == name) return l;
    known += (known.empty() ? "" : ", ") + l.name;
  }
  throw std::invalid_argument(
      fmt::format("unknown layer '{}' of {} (known: {}; see 'ternac shapes')", printable(name),
                  model.name, known));
}

LayerShape layer_2b4t(const std::string& name) { return model_layer(model_shape("2b4t"), name); }

std::vector<LayerJob> layers_2b4t(const std::string& name_or_all, std::uint32_t tokens) {
  std::vector<LayerJob> jobs;
  if (name_or_all == "all") {
    for (const LayerShape& l : bitnet_2b4t_layers())
      jobs.push_back({l.name, 0, {tokens, l.n, l.k}, ""});
    return jobs;
  }
  try {
    const LayerShape l = layer_2b4t(name_or_all);
    jobs.push_back({l.name, 0, {tokens, l.n, l.k}, ""});
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string(e.what()) + ", or 'all'");
  }
  return jobs;
}

std::vector<LayerJob> workload_file_layers(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::invalid_argument(fmt::format("--workload: cannot read {}", printable(path)));
  std::vector<LayerJob> jobs;
  std::string line;
  bool header = false;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    const std::string where = fmt::format("--workload {}:{}", printable(path), number);
    const std::vector<std::string> f = split_commas(line);
    if (f.size() != 4) {
      throw std::invalid_argument(
          fmt::format("{}: {} fields, expected name,M,N,K", where, f.size()));
    }
    if (!header) {
      if (f[0] != "name" || f[1] != "m" || f[2] != "n" || f[3] != "k") {
        throw std::invalid_argument(fmt::format("{}: the header must be name,m,n,k", where));
      }
      header = true;
      continue;
    }
    const std::string& name = f[0];
    bool plain = !name.empty() && name.size() <= 64;
    for (const char c : name) plain = plain && c > ' ' && c < 127;
    if (!plain) {
      throw std::invalid_argument(fmt::format(
          "{}: a layer name must be 1 to 64 printable characters without spaces, got '{}'", where,
          printable(name)));
    }
    GemmShape shape;
    try {
      shape.m = static_cast<std::uint32_t>(parse_decimal(f[1], "M", 1, kMaxDim));
      shape.n = static_cast<std::uint32_t>(parse_decimal(f[2], "N", 1, kMaxDim));
      shape.k = static_cast<std::uint32_t>(parse_decimal(f[3], "K", 1, kMaxDim));
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(fmt::format("{}: {}", where, e.what()));
    }
    jobs.push_back({name, 0, shape, ""});
  }
  if (jobs.empty()) {
    throw std::invalid_argument(fmt::format("--workload {}: no layers", printable(path)));
  }
  return jobs;
}

std::vector<LayerJob> model_layers(const ModelShape& model, std::uint32_t blocks,
                                   std::uint32_t tokens) {
  std::vector<LayerJob> jobs;
  for (std::uint32_t b = 0; b < blocks; ++b) {
    for (const LayerShape& l : model.block_layers())
      jobs.push_back({l.name, b, {tokens, l.n, l.k}, ""});
  }
  return jobs;
}

std::vector<LayerJob> gguf_layers(const GgufFile& file, const std::string& path,
                                  std::uint32_t tokens) {
  std::vector<LayerJob> jobs;
  const std::string shown = printable(path);
  for (const GgufTensorInfo& t : file.tensors()) {
    if (t.type != kGgmlTypeI2S) continue;  // embeddings, norms: not linear ternary layers
    if (t.ne.size() != 2) {
      throw std::invalid_argument(fmt::format("{}: I2_S tensor '{}' has {} dimensions, not 2",
                                              shown, printable(t.name), t.ne.size()));
    }
    if (t.ne[0] > kMaxDim || t.ne[1] > kMaxDim) {
      throw std::invalid_argument(
          fmt::format("{}: tensor '{}' is {} x {}, past the array's largest dimension {}", shown,
                      printable(t.name), t.ne[1], t.ne[0], kMaxDim));
    }
    // "blk.<b>.<kind>.weight": block b, layer kind; any other name is its own kind.
    std::string kind = t.name;
    std::uint32_t block = 0;
    const std::string prefix = "blk.";
    const std::size_t dot = t.name.find('.', prefix.size());
    if (t.name.compare(0, prefix.size(), prefix) == 0 && dot != std::string::npos &&
        dot > prefix.size() && dot - prefix.size() <= 9 &&
        t.name.find_first_not_of("0123456789", prefix.size()) == dot) {
      block =
          static_cast<std::uint32_t>(std::stoul(t.name.substr(prefix.size(), dot - prefix.size())));
      kind = t.name.substr(dot + 1);
      const std::string suffix = ".weight";
      if (kind.size() > suffix.size() &&
          kind.compare(kind.size() - suffix.size(), suffix.size(), suffix) == 0) {
        kind.resize(kind.size() - suffix.size());
      }
    }
    jobs.push_back(
        {kind,
         block,
         {tokens, static_cast<std::uint32_t>(t.ne[1]), static_cast<std::uint32_t>(t.ne[0])},
         t.name});
  }
  if (jobs.empty()) {
    throw std::invalid_argument(
        fmt::format("{}: no I2_S (type {}) tensor in the file", shown, kGgmlTypeI2S));
  }
  return jobs;
}

}  // namespace ternac::cli
