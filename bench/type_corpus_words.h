// Word pools and small helpers shared by the generated notes of the
// document-type training corpus (type_corpus_notes.cpp, type_corpus_visits.cpp,
// type_corpus_pages.cpp).
#pragma once

#include <array>
#include <string>

#include "core/core.h"
#include "tests/gen/testgen_internal.h"

namespace chartroom::typecorpus::words {

using testgen::detail::Rng;

template <std::size_t N>
std::string pick(Rng& rng, const std::array<const char*, N>& options) {
  return options[rng.below(N)];
}

// "March 4, 2022"
inline std::string date(Rng& rng) {
  static constexpr std::array<const char*, 12> kMonths = {"January", "February", "March",     "April",   "May",      "June",
                                                          "July",    "August",   "September", "October", "November", "December"};
  return std::string(kMonths[rng.below(12)]) + " " + std::to_string(1 + rng.below(28)) + ", " +
         std::to_string(2019 + rng.below(6));
}

inline constexpr std::array<const char*, 12> kDoctors = {"Ortiz", "Nakamura", "Feldman", "Okafor", "Lindqvist", "Brennan",
                                                         "Haddad", "Kowalski", "Iyer",   "Moreau", "Adeyemi",  "Castellano"};
inline constexpr std::array<const char*, 12> kSpecialties = {"cardiology", "gastroenterology", "neurology", "orthopedics",
                                                             "endocrinology", "rheumatology", "urology", "dermatology",
                                                             "pulmonology", "nephrology", "general surgery", "ENT"};
inline constexpr std::array<const char*, 14> kProblems = {
    "exertional chest tightness",  "iron deficiency anemia",   "recurrent migraine headaches",
    "right knee pain with locking", "poorly controlled type 2 diabetes", "a thyroid nodule found on ultrasound",
    "persistent microscopic hematuria", "a changing pigmented lesion on the back", "chronic cough and wheeze",
    "a rising creatinine",          "symptomatic gallstones",   "recurrent otitis media",
    "low back pain radiating to the left leg", "inflammatory joint pain in both hands"};
inline constexpr std::array<const char*, 8> kMeds = {"metformin 1000 mg twice daily", "lisinopril 20 mg daily",
                                                     "atorvastatin 40 mg at night", "levothyroxine 75 mcg daily",
                                                     "omeprazole 20 mg daily",      "amlodipine 5 mg daily",
                                                     "sertraline 50 mg daily",       "no regular medications"};

inline std::string he(const Patient& p) { return p.sex == 'F' ? "she" : "he"; }
inline std::string his(const Patient& p) { return p.sex == 'F' ? "her" : "his"; }
inline std::string title_name(const Patient& p) { return (p.sex == 'F' ? "Ms. " : "Mr. ") + p.family_name; }

}  // namespace chartroom::typecorpus::words
