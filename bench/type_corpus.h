// Pieces of the document-type training corpus (chartroom-type-corpus), kept
// apart from bench/classify_bench.cpp: their own page layouts, clinic names,
// wording and seeds, so the bench measures the model on pages it was not
// built from.
#pragma once

#include <string>
#include <vector>

#include "core/core.h"
#include "tests/gen/testgen_internal.h"

namespace chartroom::typecorpus {

// A letter about a patient (referral, reply to a referral, discharge letter to
// the family doctor, work or school note, results letter, letter of medical
// necessity): title (may be empty) and paragraphs.
struct Note {
  std::string title;
  std::vector<std::string> paragraphs;
};
Note letter(const Patient& patient, testgen::detail::Rng& rng);
// A pathology report (surgical specimen, biopsy, cytology, frozen section).
Note pathology_report(const Patient& patient, testgen::detail::Rng& rng);
// An emergency department note (complaint, ED course, disposition) and a
// progress note (SOAP or narrative, office or hospital), the visit types
// MTSamples has few rows of (type_corpus_visits.cpp).
Note emergency_note(const Patient& patient, testgen::detail::Rng& rng);
Note progress_note(const Patient& patient, testgen::detail::Rng& rng);

// The pages of a document as OCR would read them: a page header from one of
// several layouts (letterhead, patient sticker, one-line banner, none), the
// title on the first page, the wrapped body, a footer, OCR noise. Joined
// with '\n' between pages.
std::string as_scanned(const Note& note, const Patient& patient, testgen::detail::Rng& rng);

}  // namespace chartroom::typecorpus
