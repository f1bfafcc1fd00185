#include "capture/capture.h"
