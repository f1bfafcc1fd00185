// Field comparisons shared by patient matching and document boundaries (private).
#pragma once

#include <string>
#include <string_view>

namespace chartroom::classify::detail {

// How well a value read on a page agrees with another value.
enum class Agreement {
  kExact,      // the same
  kClose,      // an OCR look-alike, a transposition, a day/month swap, a near spelling
  kWeak,       // some resemblance (an initial, a name a few letters off)
  kConflict,   // a different value: another person
};

struct Comparison {
  Agreement level = Agreement::kConflict;
  std::string note;  // "day and month swapped", "one look-alike digit"
};

Comparison compare_mrn(std::string_view read, std::string_view other);
Comparison compare_birth_date(std::string_view read, std::string_view other);  // YYYY-MM-DD both
// Family names and given names as letters (see letters()); letters OCR
// confuses (rn/m, vv/w, I/l) make a close match, and given names also
// compare an initial with a full name.
Comparison compare_family(std::string_view read, std::string_view other);
Comparison compare_given(std::string_view read, std::string_view other);

// Two digits an OCR engine confuses with each other (3/8, 1/7, 5/6, 0/8...).
bool confusable_digits(char a, char b);

}  // namespace chartroom::classify::detail
