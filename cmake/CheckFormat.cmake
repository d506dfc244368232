# cmake -DCLANG_FORMAT=<path> -DSOURCE_DIR=<repo> -P CheckFormat.cmake
# The `format` CTest entry: every C++ file of app/, ui/ and tests/ passes the project's own
# .clang-format (clang-format --dry-run --Werror, Debian 12's clang-format 14). Fix with
#   clang-format -i $(git ls-files 'app/*.cpp' 'app/*.h' 'ui/*.cpp' 'ui/*.h' 'tests/*.cpp' 'tests/*.h')
if(NOT CLANG_FORMAT OR NOT EXISTS "${CLANG_FORMAT}")
  message(FATAL_ERROR "clang-format was not found when the build was configured; "
    "install Debian's clang-format (packaging/bootstrap.sh does)")
endif()
file(GLOB_RECURSE files
  "${SOURCE_DIR}/app/*.cpp" "${SOURCE_DIR}/app/*.h"
  "${SOURCE_DIR}/ui/*.cpp" "${SOURCE_DIR}/ui/*.h"
  "${SOURCE_DIR}/tests/*.cpp" "${SOURCE_DIR}/tests/*.h")
list(LENGTH files count)
if(count EQUAL 0)
  message(FATAL_ERROR "no C++ files found under ${SOURCE_DIR}")
endif()
execute_process(COMMAND "${CLANG_FORMAT}" --dry-run --Werror ${files}
  WORKING_DIRECTORY "${SOURCE_DIR}" RESULT_VARIABLE rc ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  string(REGEX MATCHALL "[^\n]*: error: code should be clang-formatted[^\n]*" bad "${out}")
  set(names "")
  foreach(line IN LISTS bad)
    string(REGEX REPLACE ":[0-9]+:[0-9]+: error:.*" "" f "${line}")
    list(APPEND names "${f}")
  endforeach()
  list(REMOVE_DUPLICATES names)
  list(LENGTH names n)
  list(JOIN names "\n  " shown)
  message(FATAL_ERROR "${n} of ${count} files do not follow .clang-format:\n  ${shown}")
endif()
message(STATUS "all ${count} C++ files follow .clang-format")
