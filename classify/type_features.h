// Text features of the document-type model (private to classify/).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace chartroom::classify::detail {

constexpr std::uint32_t kTypeBuckets = 1u << 20;

// The text without the lines that say whose page it is or where it sits in
// the document (patient identifiers as find_identifiers reads them, "Page N
// of M" footers): they say nothing about what the document is.
std::string type_text(std::string_view text);

// Hashed counts of word unigrams and bigrams, character 3- and 5-grams of
// words, the words of the first lines (form headers) and of the short lines
// among the first four (titles), and upper-case section headings at the start
// of a line ("CHIEF COMPLAINT:"), over type_text.
std::unordered_map<std::uint32_t, float> type_features(std::string_view text);

}  // namespace chartroom::classify::detail
