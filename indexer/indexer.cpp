#include "indexer/indexer.h"
