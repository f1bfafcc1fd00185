#include "ocr/ocr.h"
