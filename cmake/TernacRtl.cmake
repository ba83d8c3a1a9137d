# Verilated models of the ternac RTL, one static library per array configuration.
#
# rtl/ternac.f is the design (what synthesis reads); testbench/dv/ternac_dv.f the simulation-only
# checkers, coverage and energy monitors bound to it. Both are read with -F semantics: paths are
# relative to the list file.

include(${CMAKE_CURRENT_LIST_DIR}/TernacFileList.cmake)

ternac_read_file_list(${PROJECT_SOURCE_DIR}/rtl/ternac.f TERNAC_RTL_SOURCES TERNAC_RTL_INCLUDE)
ternac_read_file_list(${PROJECT_SOURCE_DIR}/testbench/dv/ternac_dv.f TERNAC_DV_SOURCES
                      TERNAC_DV_INCLUDE)

set(TERNAC_VERILATOR_FLAGS
    -O3 --x-assign fast --x-initial fast --assert
    -Wno-fatal --output-split 20000 --output-split-cfuncs 2000
    CACHE STRING "Flags for every Verilated model")

# ternac_rtl_model(<target> LANES <n> TREE_INPUTS <n> [ACC_WIDTH <n>] [ROWS_PER_BEAT <n>]
#                  [TOKEN_TILE <n>] [DATAPATH 0|1] [SYSTEMC] [TRACE] [COVERAGE] [TOP <module>]
#                  [DESIGN_ONLY] [TOGGLES] [DESIGN <.sv>...] [SOURCES <.sv>...])
# Builds a static library holding the Verilated ternac_top (or TOP) of that configuration, with
# the class prefix V<target>: the design (DESIGN, default rtl/ternac.f's sources) with the bound
# verification modules of testbench/dv (not with DESIGN_ONLY: the synthesizable RTL alone), and
# SOURCES. TOGGLES makes its energy monitors count switching activity too (docs/energy.md: it
# costs simulation time, so only the models that need it have it). Verilator's generated sources
# and the library are cached by CMake, so a configuration is Verilated and compiled once per
# build tree.
function(ternac_rtl_model target)
  cmake_parse_arguments(A "SYSTEMC;TRACE;COVERAGE;DESIGN_ONLY;TOGGLES"
                        "LANES;TREE_INPUTS;ACC_WIDTH;ROWS_PER_BEAT;TOKEN_TILE;DATAPATH;PIPE_EVERY;LEVEL_WIDTH_CAP;REDUCTION;TOP"
                        "DESIGN;SOURCES;ARGS" ${ARGN})
  if(NOT A_DESIGN)
    set(A_DESIGN ${TERNAC_RTL_SOURCES})
  endif()
  set(dv ${TERNAC_DV_SOURCES})
  set(includes ${TERNAC_DV_INCLUDE})
  if(A_DESIGN_ONLY)
    set(dv "")
    set(includes "")
  endif()
  if(A_TOGGLES)
    list(APPEND A_ARGS +define+TERNAC_TOGGLES)  # the energy monitors count toggles too
  endif()
  set(include_args "")
  foreach(inc ${includes})
    list(APPEND include_args -I${inc})
  endforeach()
  if(NOT A_TOP)
    set(A_TOP ternac_top)
  endif()
  set(params "")
  foreach(p LANES:Lanes TREE_INPUTS:TreeInputs ACC_WIDTH:AccWidth
            ROWS_PER_BEAT:WeightRowsPerBeat TOKEN_TILE:TokenTile DATAPATH:Datapath
            PIPE_EVERY:PipeEvery LEVEL_WIDTH_CAP:LevelWidthCap REDUCTION:Reduction)
    string(REPLACE ":" ";" pair ${p})
    list(GET pair 0 key)
    list(GET pair 1 name)
    if(DEFINED A_${key})
      list(APPEND params -G${name}=${A_${key}})
    endif()
  endforeach()
  add_library(${target} STATIC)
  set(kind "")
  if(A_SYSTEMC)
    set(kind SYSTEMC)
  endif()
  set(trace "")
  if(A_TRACE)
    set(trace TRACE_FST)
  endif()
  set(coverage "")
  if(A_COVERAGE)
    set(coverage COVERAGE)  # line, toggle and the RTL's cover properties (TERNAC_COVER)
  endif()
  verilate(${target} ${kind} ${trace} ${coverage}
    PREFIX V${target}
    TOP_MODULE ${A_TOP}
    SOURCES ${A_DESIGN} ${dv} ${A_SOURCES}
    INCLUDE_DIRS ${includes}
    VERILATOR_ARGS ${TERNAC_VERILATOR_FLAGS} ${include_args} ${params} ${A_ARGS})
  if(A_SYSTEMC)
    verilator_link_systemc(${target})
  endif()
  if(A_TRACE AND TERNAC_SANITIZE)
    # Verilator's tracing code (its trace buffers, and gtkwave's fstapi.c in its FST writer) loads
    # and stores 32- and 64-bit values at unaligned addresses by design (fine on x86): UBSan would
    # stop every traced run there. A traced model's library, all Verilator's code, is compiled
    # without the alignment check; the harness, the model and the tests keep it. The FST writer
    # (verilated_fst_c.cpp, which compiles in gtkwave's fstapi.c, lz4.c and fastlz.c) also
    # left-shifts negative values in its signed varints on purpose: that one file, third-party
    # C, gets no UBSan at all (ASan stays on).
    target_compile_options(${target} PRIVATE -fno-sanitize=alignment)
    set_source_files_properties("${VERILATOR_ROOT}/include/verilated_fst_c.cpp"
      TARGET_DIRECTORY ${target} PROPERTIES COMPILE_OPTIONS "-fno-sanitize=undefined")
  endif()
  target_link_libraries(${target} PUBLIC Threads::Threads)
  set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE OFF)
endfunction()

# The array configurations that are co-simulated: name:Lanes:TreeInputs:AccWidth:
# WeightRowsPerBeat:TokenTile:Datapath:PipeEvery:LevelWidthCap:Reduction. "small" is a 4 x 8 array, "odd" a 3 x 5 one with a
# narrower accumulator, two beats per weight tile (the second half padding) and 3-token blocks,
# "narrow" a 4 x 8 array whose weight port carries one row per beat (4 beats per tile), "int8"
# the INT8 multiply-and-add baseline (Datapath 1) of the small array, "pipe" a 5 x 16 array whose
# trees hold a register after every level (3 stages), "pipe_odd" a 3 x 7 one registered after
# every second level (1 stage) with a narrow port, "cap10" a 4 x 8 array whose tree levels are
# capped at 10 bits (the root would need 11: it saturates on large sums), "cap9_pipe" a 5 x 16
# one capped at 9 bits (levels 2 to 4 saturate) with a register after every second level.
# Reduction variants (Reduction 1: split +1/-1 trees, 2: carry-save): "split" and "csa" the
# small array, "split_cap_pipe" a 5 x 16 array of split trees capped at 10 bits (each tree sums
# one sign only, so it saturates without cancellation) registered after every second level,
# "csa_odd" a 3 x 7 carry-save array (levels of 7, 5, 4 and 3 values) with a narrow port.
set(TERNAC_COSIM_CONFIGS
    "default:16:64:32:16:128:0:0:0:0"
    "small:4:8:32:4:8:0:0:0:0"
    "odd:3:5:20:2:3:0:0:0:0"
    "narrow:4:8:32:1:8:0:0:0:0"
    "int8:4:8:32:4:8:1:0:0:0"
    "pipe:5:16:32:5:4:0:1:0:0"
    "pipe_odd:3:7:24:2:5:0:2:0:0"
    "cap10:4:8:32:4:8:0:0:10:0"
    "cap9_pipe:5:16:24:5:4:0:2:9:0"
    "split:4:8:32:4:8:0:0:0:1"
    "split_cap_pipe:5:16:24:5:4:0:2:10:1"
    "csa:4:8:32:4:8:0:0:0:2"
    "csa_odd:3:7:24:2:5:0:0:0:2")

# ternac_config_fields(<config string> <prefix>): sets <prefix>_NAME, _LANES, _TREE_INPUTS,
# _ACC_WIDTH, _ROWS_PER_BEAT, _TOKEN_TILE and _DATAPATH in the caller's scope.
function(ternac_config_fields cfg prefix)
  string(REPLACE ":" ";" f ${cfg})
  list(GET f 0 name)
  list(GET f 1 lanes)
  list(GET f 2 tree)
  list(GET f 3 acc)
  list(GET f 4 rows)
  list(GET f 5 tt)
  list(GET f 6 datapath)
  list(GET f 7 pipe)
  list(GET f 8 cap)
  list(GET f 9 reduction)
  set(${prefix}_NAME ${name} PARENT_SCOPE)
  set(${prefix}_LANES ${lanes} PARENT_SCOPE)
  set(${prefix}_TREE_INPUTS ${tree} PARENT_SCOPE)
  set(${prefix}_ACC_WIDTH ${acc} PARENT_SCOPE)
  set(${prefix}_ROWS_PER_BEAT ${rows} PARENT_SCOPE)
  set(${prefix}_TOKEN_TILE ${tt} PARENT_SCOPE)
  set(${prefix}_DATAPATH ${datapath} PARENT_SCOPE)
  set(${prefix}_PIPE_EVERY ${pipe} PARENT_SCOPE)
  set(${prefix}_LEVEL_WIDTH_CAP ${cap} PARENT_SCOPE)
  set(${prefix}_REDUCTION ${reduction} PARENT_SCOPE)
endfunction()
