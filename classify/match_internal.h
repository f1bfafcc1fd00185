// The steps of match_identifiers shared by classify's source files (private):
// finding the candidate entries (blocking.cpp) and scoring one (scoring.cpp).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "classify/classify.h"

namespace chartroom::classify::detail {

std::string where(const Identifier& id);

struct NameParts {
  std::string family;
  std::string given;
};
NameParts split_name(std::string_view value);

Result<std::map<std::string, Patient>> block(const std::vector<Identifier>& evidence, PatientIndex& index,
                                              const MatchOptions& options);

// The weight of an exact family-name agreement for a name `bearing` patients
// of an index of `index_size` carry (5 to 14 bits; 10 for 1 in 1,000).
double family_name_weight(std::int64_t bearing, std::int64_t index_size);
inline constexpr double kDefaultFamilyWeight = 10;

Candidate evaluate(const Patient& p, const std::vector<Identifier>& evidence,
                   double family_exact = kDefaultFamilyWeight);

}  // namespace chartroom::classify::detail
