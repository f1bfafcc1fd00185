// Small text helpers shared by classify's source files (private).
#pragma once

#include <string>
#include <string_view>

namespace chartroom::classify::detail {

// Letters only, upper case: "O'Brien" and "OBRIEN" compare equal.
inline std::string letters(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c >= 'a' && c <= 'z') out += static_cast<char>(c - 'a' + 'A');
    if (c >= 'A' && c <= 'Z') out += c;
  }
  return out;
}

}  // namespace chartroom::classify::detail
