// Page text as OCR gives it (see page_text.h).
#include "tests/gen/page_text.h"

namespace chartroom::testgen {

std::string ocr_noise(std::string_view text, detail::Rng& rng, double rate) {
  std::string out;
  out.reserve(text.size() + text.size() / 50);
  for (char c : text) {
    const double r = rng.uniform();
    if (r < rate) {
      switch (c) {
        case '0': out += 'O'; continue;
        case 'O': out += '0'; continue;
        case '1': out += 'l'; continue;
        case 'l': out += '1'; continue;
        case '5': out += 'S'; continue;
        case 'S': out += '5'; continue;
        case 'e': out += 'c'; continue;
        case 'm': out += "rn"; continue;
        case 'I': out += 'l'; continue;
        default: break;
      }
    } else if (r < rate * 1.3 && c >= 'a' && c <= 'z') {
      continue;  // dropped
    } else if (r < rate * 1.5 && c == ' ') {
      out += "  ";
      continue;
    }
    out += c;
  }
  return out;
}

std::vector<std::string> wrap_words(const std::vector<std::string>& paragraphs, std::size_t width) {
  std::vector<std::string> lines;
  for (const std::string& p : paragraphs) {
    std::string line;
    std::size_t i = 0;
    while (i < p.size()) {
      std::size_t j = p.find(' ', i);
      if (j == std::string::npos) j = p.size();
      const std::string word = p.substr(i, j - i);
      if (!line.empty() && line.size() + word.size() + 1 > width) {
        lines.push_back(line);
        line.clear();
      }
      line += (line.empty() ? "" : " ") + word;
      i = j + 1;
    }
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

}  // namespace chartroom::testgen
