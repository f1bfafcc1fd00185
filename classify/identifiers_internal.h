// Pieces of reading identifiers shared by classify's source files (private):
// names (names.cpp) and MRNs, barcodes and separator values (mrn.cpp), used by
// find_identifiers (identifiers.cpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "classify/classify.h"

namespace chartroom::classify::detail {

struct ParsedName {
  std::string family;
  std::string given;
  std::string suffix;
};

// Parses "LAST, FIRST M" or "First M. Last Jr." from the text after a label.
std::optional<ParsedName> parse_name(std::string_view rest);

// O, l, I, S, B, Z, G read where a digit belongs.
char digit_look_alike(char c);

// Reads an MRN value as printed; nullopt when it cannot be one.
std::optional<std::pair<std::string, bool>> read_mrn(std::string_view raw, const IdentifierOptions& options);

bool is_separator_value(std::string_view value, const IdentifierOptions& options);

// An MRN carried by a barcode: the bare value or "MRN:value".
std::optional<std::string> barcode_mrn(const Barcode& code, const IdentifierOptions& options);

}  // namespace chartroom::classify::detail
