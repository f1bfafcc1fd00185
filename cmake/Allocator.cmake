# tcmalloc (gperftools) for the chartroom binary: Tesseract allocates and frees
# many small objects per line, and glibc's malloc with two workers' threads in
# one process costs some 10% of the run (bench/README, "tcmalloc"). Off in
# sanitizer and fuzz builds, whose own allocators must stay in charge.
set(_tcmalloc_default ON)
if(CHARTROOM_SANITIZE OR CHARTROOM_FUZZ)
  set(_tcmalloc_default OFF)
endif()
option(CHARTROOM_TCMALLOC "Link the chartroom binary with tcmalloc_minimal (libgoogle-perftools-dev)"
       ${_tcmalloc_default})
if(CHARTROOM_TCMALLOC AND (CHARTROOM_SANITIZE OR CHARTROOM_FUZZ))
  message(FATAL_ERROR "CHARTROOM_TCMALLOC cannot be used with the sanitizers or the fuzzers: "
                      "configure with -DCHARTROOM_TCMALLOC=OFF")
endif()
if(CHARTROOM_TCMALLOC)
  pkg_check_modules(TCMALLOC REQUIRED IMPORTED_TARGET libtcmalloc_minimal)
endif()
