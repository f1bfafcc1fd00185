#include "tests/gen/testgen.h"
