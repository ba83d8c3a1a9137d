#include "ternac/sim/cli/workloads.h"

#include <fmt/format.h>

#include <fstream>
#include <stdexcept>

#include "ternac/model/base/text_io.h"

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

LayerJob i2s_layer_job(const GgufTensorInfo& t, const std::string& shown, std::uint32_t tokens) {
  if (t.ne.size() != 2) {
    throw std::invalid_argument(fmt::format("{}: I2_S tensor '{}' has {} dimensions, not 2", shown,
                                            printable(t.name), t.ne.size()));
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
  return {kind,
          block,
          {tokens, static_cast<std::uint32_t>(t.ne[1]), static_cast<std::uint32_t>(t.ne[0])},
          t.name};
}

TernaryTensorData decode_i2s(const GgufFile& file, const std::string& tensor,
                             const MemoryEstimate& besides, const MemoryLimit& limit) {
  const GgufTensorInfo& info = file.tensor(tensor);  // names a few tensors when unknown
  check_memory({besides.bytes + info.bytes + info.elements(),
                fmt::format("tensor {}, {} weights decoded to a byte each{}", printable(tensor),
                            info.elements(), besides.what)},
               limit);
  return file.i2s(tensor);
}

std::vector<LayerJob> gguf_layers(const GgufFile& file, const std::string& path,
                                  std::uint32_t tokens) {
  std::vector<LayerJob> jobs;
  const std::string shown = printable(path);
  for (const GgufTensorInfo& t : file.tensors()) {
    if (t.type != kGgmlTypeI2S) continue;  // embeddings, norms: not linear ternary layers
    jobs.push_back(i2s_layer_job(t, shown, tokens));
  }
  if (jobs.empty()) {
    throw std::invalid_argument(
        fmt::format("{}: no I2_S (type {}) tensor in the file", shown, kGgmlTypeI2S));
  }
  return jobs;
}

GemmProblem ChosenLayer::problem(const RandomSpec& spec) const {
  GemmProblem p = random_problem(spec);
  if (!weights.empty() && spec.format == WeightFormat::kTritCodes && spec.shape.n == shape.n &&
      spec.shape.k == shape.k) {
    p.weights = weights;
  }
  return p;
}

double ChosenLayer::zero_fraction() const {
  if (weights.empty()) return 0.0;
  std::uint64_t zero = 0;
  for (std::uint8_t c : weights) zero += c == static_cast<std::uint8_t>(TritCode::kZero);
  return double(zero) / double(weights.size());
}

std::string model_names_text() {
  std::string text;
  const std::vector<ModelShape> models = model_shapes();
  for (std::size_t i = 0; i < models.size(); ++i) {
    text += (i == 0 ? "" : i + 1 == models.size() ? " or " : ", ") + models[i].name;
  }
  return text;
}

std::string layer_names_text() {
  std::string text;
  for (const LayerShape& l : model_shape("2b4t").block_layers()) {
    text += (text.empty() ? "" : ", ") + l.name;
  }
  return text;
}

void declare_layer_options(Options& o, const std::string& default_layer) {
  o.value(
      "model", "NAME",
      "the model whose layer it is: " + model_names_text() + " (default: 2b4t; 'ternac shapes')");
  o.value("layer", "NAME",
          "the layer (" + layer_names_text() + "; default: " + default_layer +
              "); with --workload, the line of that name");
  o.value("workload", "FILE",
          "the layer from a workload file instead ('name,m,n,k' per line, docs/outputs.md): its "
          "only line, or the one --layer names; its M is not used");
  o.value("n", "N", "a layer of this many outputs (with --k) instead of a model's layer");
  o.value("k", "K", "... and this many inputs");
  o.value("gguf", "FILE",
          "the layer and its real ternary weights from an I2_S tensor of a bitnet.cpp GGUF file "
          "(with --tensor): the zero fraction is the tensor's");
  o.value("tensor", "NAME", "the I2_S tensor of --gguf ('ternac model --gguf FILE' lists them)");
}

bool names_one_layer(const Options& o) {
  return o.has("layer") || o.has("workload") || o.has("n") || o.has("k") || o.has("gguf") ||
         o.has("tensor");
}

std::vector<std::pair<std::string, std::string>> layer_input_files(const Options& o) {
  std::vector<std::pair<std::string, std::string>> files;
  if (o.has("workload")) files.emplace_back("--workload", o.str("workload", ""));
  if (o.has("gguf")) files.emplace_back("--gguf", o.str("gguf", ""));
  return files;
}

ChosenLayer choose_layer(const Options& o, const std::string& default_layer,
                         const MemoryLimit& limit) {
  const int ways = int(o.has("workload")) + int(o.has("n") || o.has("k")) +
                   int(o.has("gguf") || o.has("tensor")) + int(o.has("model"));
  if (ways > 1) {
    throw std::invalid_argument(
        "give the layer one way: --model/--layer, --workload [--layer], --n/--k or "
        "--gguf/--tensor");
  }
  ChosenLayer c;
  if (o.has("workload")) {
    const std::string path = o.str("workload", "");
    const std::vector<LayerJob> jobs = workload_file_layers(path);
    const LayerJob* job = nullptr;
    if (o.has("layer")) {
      for (const LayerJob& j : jobs) {
        if (j.kind == o.str("layer", "")) job = &j;
      }
    } else if (jobs.size() == 1) {
      job = &jobs.front();
    }
    if (!job) {
      std::string names;
      for (const LayerJob& j : jobs) names += (names.empty() ? "" : ", ") + j.kind;
      throw std::invalid_argument(
          fmt::format("--workload {}: {} (its layers: {})", printable(path),
                      o.has("layer") ? fmt::format("no layer '{}'", printable(o.str("layer", "")))
                                     : std::string("more than one layer: choose one with --layer"),
                      names));
    }
    c.kind = job->kind;
    c.shape = {job->kind, job->shape.n, job->shape.k};
    c.title = printable(path) + " " + job->kind;
  } else if (o.has("n") || o.has("k")) {
    if (!o.has("n") || !o.has("k")) throw std::invalid_argument("--n and --k go together");
    if (o.has("layer")) throw std::invalid_argument("--n/--k take no --layer");
    c.kind = "custom";
    c.shape = {"custom", o.dim("n", 1), o.dim("k", 1)};
    c.title = "custom layer";
  } else if (o.has("gguf") || o.has("tensor")) {
    if (!o.has("gguf") || !o.has("tensor")) {
      throw std::invalid_argument("--gguf and --tensor go together");
    }
    if (o.has("layer") || o.has("zeros")) {
      throw std::invalid_argument(
          "--gguf takes its layer and its weights (and so the zero fraction) from the tensor: "
          "no --layer or --zeros");
    }
    const std::string path = o.str("gguf", ""), name = o.str("tensor", "");
    const GgufFile file = GgufFile::open(path);
    const LayerJob job = i2s_layer_job(file.tensor(name), printable(path), 1);  // before decoding
    c.kind = job.kind;
    c.shape = {job.kind, job.shape.n, job.shape.k};
    c.weights = decode_i2s(file, name, {kBaseBytes, ""}, limit).codes;
    c.title = printable(path) + ":" + printable(name);
  } else {
    const ModelShape& model = model_shape(o.str("model", "2b4t"));  // names the models
    c.kind = o.str("layer", default_layer);
    c.shape = model_layer(model, c.kind);  // names the layers when unknown
    c.title = model.title + " " + c.kind;
  }
  return c;
}

}  // namespace ternac::cli
