// Private to capture/: helpers shared by the processing steps.
#pragma once

#include "capture/pix_adapter.h"

namespace chartroom::capture::detail {

// A quick, stable binary page for measurements (skew, blank): background
// normalized, then a global threshold, so faint show-through and paper
// texture stay white. Gray1 pages are used as they are. `halve` works at half
// the size (a quarter of the pixels) for measurements that do not need detail.
PixPtr analysis_binary(const Image& page, bool halve = false);

}  // namespace chartroom::capture::detail
