// Layer and workload lookup shared by the subcommands (and the sweep points): 2B4T layers by
// name, whole models block by block, and the I2_S tensors of a GGUF file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ternac/model/core/gemm.h"
#include "ternac/model/io/gguf.h"
#include "ternac/model/workload/workload.h"
#include "ternac/sim/cli/common.h"

namespace ternac::cli {

// One linear layer to run: a synthetic layer of a model shape, a custom shape, or a GGUF tensor.
struct LayerJob {
  std::string kind;  // attn_q ... ffn_down, "custom", or what a GGUF tensor's name says
  std::uint32_t block = 0;
  GemmShape shape;
  std::string tensor;  // GGUF tensor name; empty for synthetic weights
};

// The 2B4T layer `name` (model_layer of the 2b4t model); throws std::invalid_argument listing
// the names.
LayerShape layer_2b4t(const std::string& name);
// Layer `name` (attn_q ... ffn_down) of a block of `model`; throws std::invalid_argument listing
// the names.
LayerShape model_layer(const ModelShape& model, const std::string& name);
// Layer `name` of a 2B4T block, or all seven for "all", with M = tokens.
std::vector<LayerJob> layers_2b4t(const std::string& name_or_all, std::uint32_t tokens);
// The layers of a workload file: one layer per line, "name,M,N,K" (a header line
// "name,m,n,k" first; '#' comments and empty lines skipped). Throws std::invalid_argument naming
// the file, the line and what is wrong (a missing field, a dimension not strictly decimal in
// 1..2^24 - 1, a name that is empty, longer than 64 characters or not printable ASCII).
std::vector<LayerJob> workload_file_layers(const std::string& path);
// The first `blocks` blocks of `model` (every block's seven layers), M = tokens.
std::vector<LayerJob> model_layers(const ModelShape& model, std::uint32_t blocks,
                                   std::uint32_t tokens);
// An I2_S tensor as a layer, M = tokens, from its header alone: "blk.<b>.<kind>.weight" is block b
// and that kind, any other name is its own kind. Throws std::invalid_argument (starting with
// `shown`, the file as messages name it) for a tensor that is not 2-D or larger than the array
// takes.
LayerJob i2s_layer_job(const GgufTensorInfo& tensor, const std::string& shown,
                       std::uint32_t tokens);
// Decodes an I2_S tensor after checking that it fits: `besides` (its bytes, and what they are
// for the message, starting with ", ") plus the mapped tensor plus a byte per weight.
TernaryTensorData decode_i2s(const GgufFile& file, const std::string& tensor,
                             const MemoryEstimate& besides, const MemoryLimit& limit);
// Every I2_S tensor of a GGUF file as a layer, M = tokens. The kind is the name without
// "blk.<b>." and ".weight". Throws std::invalid_argument for a tensor the array cannot take or a
// file without I2_S tensors.
std::vector<LayerJob> gguf_layers(const GgufFile& file, const std::string& path,
                                  std::uint32_t tokens);

// For help texts, from the model table (model/workload/workload.h): "2b4t, large, 3b or llama3-8b",
// and a block's layer kinds "attn_q, attn_k, ..., ffn_down".
std::string model_names_text();
std::string layer_names_text();

// One layer chosen on the command line (claims, the sweep points), one of four ways: a model's
// layer (--model NAME --layer NAME; default the 2b4t model and `default_layer`), a workload file's
// layer (--workload FILE: its only line, or the one --layer names; M is not used), a custom shape
// (--n N --k K) or an I2_S tensor of a GGUF file with its real weights (--gguf FILE --tensor
// NAME). Two ways at once, or a half of a pair, is refused naming the options.
struct ChosenLayer {
  std::string title;  // as a report names it: "BitNet b1.58 2B4T ffn_down", "w.csv mine", ...
  std::string kind;   // attn_q ... ffn_down (also recognised in a tensor's name), or the name
  LayerShape shape;   // N and K
  std::vector<std::uint8_t> weights;  // --gguf: the tensor's N x K trit codes; else empty
  // The fraction of zero weights of `weights` (0 when there are none).
  double zero_fraction() const;
  // The problem of `spec` (random_problem), with the tensor's own weights in place of random
  // ternary ones when there are any and `spec` has the layer's N and K.
  GemmProblem problem(const RandomSpec& spec) const;
};
void declare_layer_options(Options& o, const std::string& default_layer);
// Whether the options name one layer (any of declare_layer_options' but --model alone, which names
// a model).
bool names_one_layer(const Options& o);
// The input files the options name (--workload, --gguf), for the caller's Files::input before its
// check(): nothing is opened here.
std::vector<std::pair<std::string, std::string>> layer_input_files(const Options& o);
// Reads the layer; a GGUF tensor's decoded size is checked against `limit` before it is decoded.
ChosenLayer choose_layer(const Options& o, const std::string& default_layer,
                         const MemoryLimit& limit);

}  // namespace ternac::cli
