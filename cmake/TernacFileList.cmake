# Reads a Verilator file list with -F semantics (paths relative to the list file).

# ternac_read_file_list(<list> <sources var> <include dirs var>): the .sv files and +incdir+
# directories of a Verilator file list, as absolute paths.
function(ternac_read_file_list list out_sources out_incdirs)
  get_filename_component(dir ${list} DIRECTORY)
  file(STRINGS ${list} lines)
  set(sources "")
  set(incdirs "")
  foreach(line ${lines})
    string(STRIP "${line}" line)
    if(line MATCHES "^\\+incdir\\+(.*)$")
      get_filename_component(inc "${CMAKE_MATCH_1}" ABSOLUTE BASE_DIR ${dir})
      list(APPEND incdirs ${inc})
    elseif(line MATCHES "\\.sv$")
      get_filename_component(src "${line}" ABSOLUTE BASE_DIR ${dir})
      list(APPEND sources ${src})
    endif()
  endforeach()
  set(${out_sources} ${sources} PARENT_SCOPE)
  set(${out_incdirs} ${incdirs} PARENT_SCOPE)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${list})
endfunction()
