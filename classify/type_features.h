// Text features of the document-type model (private to classify/).
#pragma once

#include <cstdint>
#include <string_view>
#include <unordered_map>

namespace chartroom::classify::detail {

constexpr std::uint32_t kTypeBuckets = 1u << 20;

// Hashed counts of word unigrams and bigrams, character 3- and 5-grams of
// words, and the words of the first lines (titles, form headers).
std::unordered_map<std::uint32_t, float> type_features(std::string_view text);

}  // namespace chartroom::classify::detail
