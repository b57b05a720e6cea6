# kam_service(<name> <source>... [RULES <folder> <library>]): what each
# service folder builds, from the .cc files it names:
#   kam_<name>          every source but main.cc, the fake_*.cc stand-ins and
#                       the *_test.cc files, with the migrations/ folder's
#                       schema embedded (kam_embed_migrations);
#   kam-<name>          the server, main.cc;
#   kam_<name>_fakes    (tests only) the fake_*.cc stand-ins the handler unit
#                       tests use, never linked into the server;
#   <name>_<file>       (tests only) one unit test binary per *_test.cc below
#                       the folder, ctest names "<name>.<Suite>.<Case>".
# RULES: the unit tests under <folder>/ test pure rules and link only
# <library>, so they cannot reach a store or a fake.
function(kam_service name)
  cmake_parse_arguments(ARG "" "" "RULES" ${ARGN})
  set(sources ${ARG_UNPARSED_ARGUMENTS})
  set(fakes ${sources})
  list(FILTER fakes INCLUDE REGEX "/fake_[a-z_]+\\.cc$")
  list(FILTER sources EXCLUDE REGEX "/(main|fake_[a-z_]+|[a-z_]+_test)\\.cc$")

  add_library(kam_${name} STATIC ${sources})
  kam_embed_migrations(kam_${name} kam::${name} ${CMAKE_CURRENT_SOURCE_DIR}/migrations)
  target_compile_options(kam_${name} PRIVATE ${KAM_WARNINGS})
  target_link_libraries(kam_${name} PUBLIC kam_common)

  add_executable(kam-${name} main.cc)
  target_compile_options(kam-${name} PRIVATE ${KAM_WARNINGS})
  target_link_libraries(kam-${name} PRIVATE kam_${name})

  if(NOT KAM_BUILD_TESTS)
    return()
  endif()
  add_library(kam_${name}_fakes STATIC ${fakes})
  target_compile_options(kam_${name}_fakes PRIVATE ${KAM_WARNINGS})
  target_link_libraries(kam_${name}_fakes PUBLIC kam_${name} kam_common_testing)

  file(GLOB_RECURSE tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_test.cc)
  foreach(source ${tests})
    get_filename_component(file ${source} NAME_WE)
    add_executable(${name}_${file} ${source})
    target_compile_options(${name}_${file} PRIVATE ${KAM_WARNINGS})
    set(library kam_${name}_fakes)
    if(ARG_RULES)
      list(GET ARG_RULES 0 rules_folder)
      list(GET ARG_RULES 1 rules_library)
      if(source MATCHES "/${rules_folder}/")
        set(library ${rules_library})
      endif()
    endif()
    target_link_libraries(${name}_${file} PRIVATE ${library} GTest::gtest_main)
    gtest_discover_tests(${name}_${file} TEST_PREFIX "${name}.")
  endforeach()
endfunction()
