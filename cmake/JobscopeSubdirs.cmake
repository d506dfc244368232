# jobscope_add_subdirectories(<prefix> <folder>...)
# Adds each named folder of the current source directory. A folder named here that does not
# exist (or has no CMakeLists.txt) is a configure error, never a silent skip: a misspelt or moved
# folder would otherwise drop its code or its tests without a word. JOBSCOPE_SKIP (a list of
# "<prefix><folder>" entries, e.g. "ui/peel") leaves folders out on purpose.
function(jobscope_add_subdirectories prefix)
  foreach(dir IN LISTS ARGN)
    if("${prefix}${dir}" IN_LIST JOBSCOPE_SKIP)
      message(STATUS "Jobscope: ${prefix}${dir} skipped (JOBSCOPE_SKIP)")
      continue()
    endif()
    if(NOT EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/${dir}/CMakeLists.txt")
      message(FATAL_ERROR "${CMAKE_CURRENT_LIST_FILE} names the folder '${dir}', "
        "but ${CMAKE_CURRENT_SOURCE_DIR}/${dir}/CMakeLists.txt does not exist")
    endif()
    add_subdirectory(${dir})
  endforeach()
endfunction()

# jobscope_check_all_named(<folder>...)
# The reverse check: every folder below the current source directory that has a CMakeLists.txt
# (one level, or two under ui/) must be among the given names, so a new folder cannot be left out
# of the build by forgetting to name it.
function(jobscope_check_all_named)
  file(GLOB_RECURSE lists RELATIVE "${CMAKE_CURRENT_SOURCE_DIR}" "${CMAKE_CURRENT_SOURCE_DIR}/*/CMakeLists.txt")
  foreach(l IN LISTS lists)
    get_filename_component(dir "${l}" DIRECTORY)
    set(named FALSE)
    foreach(n IN LISTS ARGN)
      if(dir STREQUAL n)
        set(named TRUE)
      endif()
    endforeach()
    # a folder inside a named folder belongs to it (tests/fuzz has its own build)
    foreach(n IN LISTS ARGN)
      string(FIND "${dir}" "${n}/" at)
      if(at EQUAL 0)
        set(named TRUE)
      endif()
    endforeach()
    if(NOT named)
      message(FATAL_ERROR "${CMAKE_CURRENT_SOURCE_DIR}/${dir} has a CMakeLists.txt but "
        "${CMAKE_CURRENT_LIST_FILE} does not name it")
    endif()
  endforeach()
endfunction()
