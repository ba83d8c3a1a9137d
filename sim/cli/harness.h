// The Verilated array the ternac CLI runs: the default 16 x 64 configuration (sim/CMakeLists.txt).
#pragma once

#include "Vternac_rtl_default.h"
#include "ternac/testbench/env/rtl_harness.h"

namespace ternac::cli {

using Harness = RtlHarness<Vternac_rtl_default>;

}  // namespace ternac::cli
