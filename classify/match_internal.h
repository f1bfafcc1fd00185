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

Candidate evaluate(const Patient& p, const std::vector<Identifier>& evidence);

}  // namespace chartroom::classify::detail
