# Sanitizer builds and the libFuzzer targets.
#   -DCHARTROOM_SANITIZE=address,undefined   every target built with those sanitizers
#                                            (CI's build-asan: scripts/test-sanitizers.sh)
#   -DCHARTROOM_FUZZ=ON                      the fuzz/ targets (clang only; on by default
#                                            when clang compiles: scripts/fuzz.sh)
set(CHARTROOM_SANITIZE "" CACHE STRING "Sanitizers for every target, e.g. address,undefined")
if(CHARTROOM_SANITIZE)
  add_compile_options(-fsanitize=${CHARTROOM_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${CHARTROOM_SANITIZE})
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # The sanitizers' instrumentation makes gcc 12 warn falsely about
    # uninitialized members inside libstdc++ (<regex>, std::function).
    add_compile_options(-Wno-maybe-uninitialized)
  endif()
endif()

set(_fuzz_default OFF)
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  set(_fuzz_default ON)
endif()
option(CHARTROOM_FUZZ "Build the libFuzzer targets in fuzz/ (needs clang)" ${_fuzz_default})
if(CHARTROOM_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "CHARTROOM_FUZZ needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++-16 "
                        "or use scripts/fuzz.sh")
  endif()
  # Every library the fuzzers reach is instrumented for coverage; only the
  # fuzz targets link libFuzzer's main.
  add_compile_options(-fsanitize=fuzzer-no-link)
  if(CMAKE_CXX_COMPILER_VERSION VERSION_LESS 19)
    # libstdc++ 12 hides std::expected unless __cpp_concepts says 202002L;
    # clang 16 implements what it needs (P0848) but reports 201907L.
    add_compile_options(-D__cpp_concepts=202002L -Wno-macro-redefined)
  endif()
endif()
