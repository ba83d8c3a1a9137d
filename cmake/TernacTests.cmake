# ternac_discover_tests(<target> LABELS <label>... [PREFIX <p>] [DISCOVERY_TIMEOUT <s>])
# gtest_discover_tests() with every label applied: passed through its PROPERTIES, a list of
# labels reaches the generated file unquoted and only the first label sticks. Here the labels are
# set by a second include file, run after the discovered tests are defined, on their list. CTest
# sets properties by test name, so test programs that share gtest names (the co-simulation of
# each configuration) need a PREFIX to keep their tests, and their labels, apart.
function(ternac_discover_tests target)
  cmake_parse_arguments(A "" "DISCOVERY_TIMEOUT;PREFIX" "LABELS" ${ARGN})
  if(NOT A_DISCOVERY_TIMEOUT)
    set(A_DISCOVERY_TIMEOUT 60)
  endif()
  gtest_discover_tests(${target} TEST_LIST ${target}_TESTS TEST_PREFIX "${A_PREFIX}"
                       DISCOVERY_TIMEOUT ${A_DISCOVERY_TIMEOUT})
  set(file "${CMAKE_CURRENT_BINARY_DIR}/${target}_labels.cmake")
  file(WRITE "${file}"
       "if(${target}_TESTS)\n"
       "  set_tests_properties(\${${target}_TESTS} PROPERTIES LABELS \"${A_LABELS}\")\n"
       "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${file}")
endfunction()
