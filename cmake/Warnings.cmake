# One target carries the warning flags; every chartroom target links it.
add_library(chartroom_warnings INTERFACE)
target_compile_options(chartroom_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Wunused -Woverloaded-virtual -Wimplicit-fallthrough)
if(CHARTROOM_WERROR)
  target_compile_options(chartroom_warnings INTERFACE -Werror)
endif()
