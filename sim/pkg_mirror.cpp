// The C++ mirror of ternac_pkg (model/core/config.h, model/core/trit.h) against the package itself:
// the constants marked /*verilator public*/ in rtl/ternac_pkg.sv are emitted by Verilator into
// V<model>_ternac_pkg.h, and a mirror that drifts from them fails to compile.
#include "Vternac_rtl_default_ternac_pkg.h"
#include "ternac/model/core/config.h"
#include "ternac/model/core/trit.h"

namespace {

using Pkg = Vternac_rtl_default_ternac_pkg;

static_assert(Pkg::ActWidth == ternac::kActBits, "ternac_pkg::ActWidth");
static_assert(Pkg::TritWidth == ternac::kTritBits, "ternac_pkg::TritWidth");
static_assert(Pkg::DimWidth == ternac::kDimWidth, "ternac_pkg::DimWidth");
static_assert(Pkg::MaxLanes == ternac::kMaxLanes, "ternac_pkg::MaxLanes");
static_assert(Pkg::MaxTreeInputs == ternac::kMaxTreeInputs, "ternac_pkg::MaxTreeInputs");
static_assert(Pkg::MaxTokenTile == ternac::kMaxTokenTile, "ternac_pkg::MaxTokenTile");
static_assert(Pkg::MaxAccWidth == ternac::kMaxAccWidth, "ternac_pkg::MaxAccWidth");
static_assert(Pkg::MaxPipeEvery == ternac::kMaxPipeEvery, "ternac_pkg::MaxPipeEvery");
static_assert(Pkg::MaxCapGrowth == ternac::kMaxCapGrowth, "ternac_pkg::MaxCapGrowth");
static_assert(Pkg::DatapathTernary == static_cast<int>(ternac::Datapath::kTernary));
static_assert(Pkg::DatapathInt8 == static_cast<int>(ternac::Datapath::kInt8));
static_assert(Pkg::ReductionSigned == static_cast<int>(ternac::Reduction::kSigned));
static_assert(Pkg::ReductionSplit == static_cast<int>(ternac::Reduction::kSplit));
static_assert(Pkg::ReductionCsa == static_cast<int>(ternac::Reduction::kCsa));

}  // namespace
