# Verilated models of the ternac RTL, one static library per array configuration.
#
# rtl/ternac.f is the design (what synthesis reads); testbench/dv/ternac_dv.f the simulation-only
# checkers, coverage and energy monitors bound to it. Both are read with -F semantics: paths are
# relative to the list file.

include(${CMAKE_CURRENT_LIST_DIR}/TernacFileList.cmake)

ternac_read_file_list(${PROJECT_SOURCE_DIR}/rtl/ternac.f TERNAC_RTL_SOURCES TERNAC_RTL_INCLUDE)
ternac_read_file_list(${PROJECT_SOURCE_DIR}/testbench/dv/ternac_dv.f TERNAC_DV_SOURCES
                      TERNAC_DV_INCLUDE)

# Warnings do not stop a build (scripts/lint.sh holds the RTL to -Wall), but an illegal
# configuration does: the modules' elaboration checks ($fatal, USERFATAL) stay errors.
# Whether the Verilated models inline every lane (Verilator's default) or keep the lane a class
# of its own (cmake/lanes_not_inlined.vlt), chosen by measurement (docs/performance.md, "Lanes
# inlined or not"): with clang++, an array of at least 256 MACs per cycle with the lane as its
# own class compiles in less time and simulates faster, a smaller one compiles slower (more
# files); with g++ it simulates slower, so g++ builds inline every lane.
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  set(ternac_inline_default OFF)
else()
  set(ternac_inline_default ON)
endif()
option(TERNAC_INLINE_LANES "Inline every lane into the Verilated models (docs/performance.md)"
       ${ternac_inline_default})

set(TERNAC_VERILATOR_FLAGS
    -O3 --x-assign fast --x-initial fast --assert
    -Wno-fatal -Werror-USERFATAL -Werror-USERERROR --output-split 20000 --output-split-cfuncs 2000
    CACHE STRING "Flags for every Verilated model")

# ternac_rtl_model(<target> LANES <n> TREE_INPUTS <n> [ACC_WIDTH <n>] [ROWS_PER_BEAT <n>]
#                  [TOKEN_TILE <n>] [DATAPATH 0|1] [SYSTEMC] [TRACE] [COVERAGE] [TOP <module>]
#                  [DESIGN_ONLY] [TOGGLES] [LANES_INLINED | LANES_NOT_INLINED] [DESIGN <.sv>...]
#                  [SOURCES <.sv>...])
# Builds a static library holding the Verilated ternac_top (or TOP) of that configuration, with
# the class prefix V<target>: the design (DESIGN, default rtl/ternac.f's sources) with the bound
# verification modules of testbench/dv (not with DESIGN_ONLY: the synthesizable RTL alone), and
# SOURCES. TOGGLES makes its energy monitors count switching activity too (docs/energy.md: it
# costs simulation time, so only the models that need it have it). TERNAC_INLINE_LANES (above)
# and the array's size decide whether the lanes are inlined; LANES_INLINED or LANES_NOT_INLINED
# overrides both for one model (the benchmark's comparison model). Verilator's generated sources
# and the library are cached by CMake, so a configuration is Verilated and compiled once per
# build tree.
function(ternac_rtl_model target)
  cmake_parse_arguments(A
                        "SYSTEMC;TRACE;COVERAGE;DESIGN_ONLY;TOGGLES;LANES_INLINED;LANES_NOT_INLINED"
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
  # Each lane's code emitted once instead of once per lane (cmake/lanes_not_inlined.vlt): for
  # arrays of at least 256 MACs per cycle, where the copies cost more to compile than the extra
  # files (docs/performance.md), unless TERNAC_INLINE_LANES or the caller says otherwise.
  set(lanes_apart OFF)
  if(A_LANES_NOT_INLINED)
    set(lanes_apart ON)
  elseif(NOT A_LANES_INLINED AND NOT TERNAC_INLINE_LANES AND DEFINED A_LANES
         AND DEFINED A_TREE_INPUTS)
    math(EXPR macs_per_cycle "${A_LANES} * ${A_TREE_INPUTS}")
    if(macs_per_cycle GREATER_EQUAL 256)
      set(lanes_apart ON)
    endif()
  endif()
  if(lanes_apart)
    list(APPEND A_SOURCES ${PROJECT_SOURCE_DIR}/cmake/lanes_not_inlined.vlt)
  endif()
  set(include_args "")
  foreach(inc ${includes})
    list(APPEND include_args -I${inc})
  endforeach()
  if(NOT A_TOP)
    set(A_TOP ternac_top)
  endif()
  set(params "")
  # A tree of more than 1024 inputs unrolls generate loops past Verilator's default limit.
  if(DEFINED A_TREE_INPUTS AND A_TREE_INPUTS GREATER 1024)
    list(APPEND params --unroll-count 8192)
  endif()
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

# The named array configurations live in one file, rtl/configs.csv (its comments describe each).
# ternac_read_configs(<use> <out var>) sets <out var> to the rows whose use column is <use>
# (cosim, fault or lint), each as name:Lanes:TreeInputs:AccWidth:WeightRowsPerBeat:TokenTile:
# Datapath:PipeEvery:LevelWidthCap:Reduction (ternac_config_fields splits one).
set(TERNAC_CONFIGS_FILE ${PROJECT_SOURCE_DIR}/rtl/configs.csv)
set_property(DIRECTORY ${PROJECT_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${TERNAC_CONFIGS_FILE})
function(ternac_read_configs use out)
  file(STRINGS ${TERNAC_CONFIGS_FILE} lines)
  set(rows "")
  foreach(line ${lines})
    if(line MATCHES "^#" OR line MATCHES "^name," OR line STREQUAL "")
      continue()
    endif()
    string(REPLACE "," ";" f "${line}")
    list(LENGTH f n)
    if(NOT n EQUAL 11)
      message(FATAL_ERROR "${TERNAC_CONFIGS_FILE}: a row of ${n} fields, expected 11: ${line}")
    endif()
    list(GET f 10 row_use)
    if(row_use STREQUAL use)
      list(SUBLIST f 0 10 fields)
      string(REPLACE ";" ":" row "${fields}")
      list(APPEND rows ${row})
    endif()
  endforeach()
  set(${out} ${rows} PARENT_SCOPE)
endfunction()

ternac_read_configs(cosim TERNAC_COSIM_CONFIGS)
ternac_read_configs(fault TERNAC_FAULT_CONFIG)

# ternac_config_model_args(<config string> <out var>): the parameter arguments of
# ternac_rtl_model (LANES .. REDUCTION ..) for one row.
function(ternac_config_model_args cfg out)
  ternac_config_fields(${cfg} C)
  set(${out} LANES ${C_LANES} TREE_INPUTS ${C_TREE_INPUTS} ACC_WIDTH ${C_ACC_WIDTH}
      ROWS_PER_BEAT ${C_ROWS_PER_BEAT} TOKEN_TILE ${C_TOKEN_TILE} DATAPATH ${C_DATAPATH}
      PIPE_EVERY ${C_PIPE_EVERY} LEVEL_WIDTH_CAP ${C_LEVEL_WIDTH_CAP} REDUCTION ${C_REDUCTION}
      PARENT_SCOPE)
endfunction()
list(GET TERNAC_COSIM_CONFIGS 0 TERNAC_DEFAULT_CONFIG)
if(NOT TERNAC_DEFAULT_CONFIG MATCHES "^default:")
  message(FATAL_ERROR "${TERNAC_CONFIGS_FILE}: the first cosim row must be 'default'")
endif()
# The CLI's array: the default row, or (for a build of the CLI for another configuration, which
# ternac makes on first use of that configuration, docs/build_cache.md) a config string.
set(TERNAC_CLI_CONFIG "" CACHE STRING
    "The array of the ternac CLI as name:Lanes:TreeInputs:... (empty: rtl/configs.csv's default)")
set(TERNAC_CLI_ARRAY ${TERNAC_DEFAULT_CONFIG})
if(TERNAC_CLI_CONFIG)
  set(TERNAC_CLI_ARRAY ${TERNAC_CLI_CONFIG})
endif()

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
