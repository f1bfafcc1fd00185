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
  bool look_alike = false;  // names: the same but for letters OCR confuses ("GRlJALVA")
};

Comparison compare_mrn(std::string_view read, std::string_view other);
Comparison compare_birth_date(std::string_view read, std::string_view other);  // YYYY-MM-DD both
// Family names and given names as letters (see letters()); up to two slips
// of letters OCR confuses (rn/m, vv/w, I/l, O/D) make a close match marked
// look_alike, and given names also compare an initial with a full name.
Comparison compare_family(std::string_view read, std::string_view other);
Comparison compare_given(std::string_view read, std::string_view other);

// Edit distance of two upper-case names where a letter OCR reads for
// another ("I"/"L", "RN"/"M") costs 0.4 and any other change 1.
double ocr_name_distance(std::string_view a, std::string_view b);

// Two digits an OCR engine confuses with each other (3/8, 1/7, 5/6, 0/8...).
bool confusable_digits(char a, char b);

}  // namespace chartroom::classify::detail
