// Training notes laid out as scanned pages read by OCR (see type_corpus.h).
// The layouts and clinic names here are the training corpus's own; the
// classify bench has different ones.
#include <array>
#include <cstdio>

#include "bench/type_corpus.h"
#include "bench/type_corpus_words.h"
#include "tests/gen/page_text.h"

namespace chartroom::typecorpus {

using words::pick;
using words::Rng;

namespace {

std::string two(int v) {
  char b[8];
  std::snprintf(b, sizeof b, "%02d", v);
  return b;
}

// A birth date (YYYY-MM-DD) the way a form prints it.
std::string birth(const std::string& iso, Rng& rng) {
  if (iso.size() < 10) return iso;
  static constexpr std::array<const char*, 12> kMon = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::string y = iso.substr(0, 4), m = iso.substr(5, 2), d = iso.substr(8, 2);
  switch (rng.below(4)) {
    case 0: return m + "/" + d + "/" + y;
    case 1: return d + "-" + kMon[std::stoi(m) - 1] + "-" + y;
    case 2: return iso;
    default: return m + "-" + d + "-" + y.substr(2);
  }
}

std::string visit_date(Rng& rng) {
  return two(1 + static_cast<int>(rng.below(12))) + "/" + two(1 + static_cast<int>(rng.below(28))) + "/" +
         std::to_string(2019 + rng.below(6));
}

std::string upper(std::string s) { return to_upper_ascii(s); }

const std::array<const char*, 10> kClinics = {
    "Harborview Medical Center",       "Pinecrest Internal Medicine",   "Mercy Valley Hospital",
    "Westfield Orthopaedic Group",     "Cedar Hills Health Partners",   "Oak Ridge Community Hospital",
    "Bayside Women's Health",          "North Shore Cardiology Associates", "Granite State Surgical Specialists",
    "Meadowbrook Pediatrics"};

// Header lines of one page; `first` is the first page of the document.
std::vector<std::string> header(int layout, const std::string& clinic, const Patient& p, bool first,
                                const std::string& date, Rng& rng) {
  std::vector<std::string> h;
  switch (layout) {
    case 0:  // letterhead on the first page, a running head after it
      if (first) {
        h.push_back(upper(clinic));
        h.push_back(std::to_string(100 + rng.below(9000)) + " " +
                    pick(rng, std::array<const char*, 4>{"Harbor Way", "Summit Avenue", "Route 9", "Commonwealth Blvd"}) +
                    ", Suite " + std::to_string(100 + rng.below(400)) + "   Tel (603) 555-" +
                    std::to_string(1000 + rng.below(9000)) + "   Fax (603) 555-" + std::to_string(1000 + rng.below(9000)));
        h.push_back("PATIENT NAME: " + upper(p.family_name) + ", " + upper(p.given_name));
        h.push_back("MEDICAL RECORD NO.: " + p.mrn);
        h.push_back("DATE OF BIRTH: " + birth(p.birth_date, rng));
        h.push_back("VISIT DATE: " + date);
      } else {
        h.push_back(p.family_name + ", " + p.given_name + " - MR# " + p.mrn + " - " + date);
      }
      break;
    case 1:  // a patient sticker in the corner
      h.push_back(upper(p.family_name) + ", " + upper(p.given_name));
      h.push_back("MR# " + p.mrn + "   DOB " + birth(p.birth_date, rng) + "   " + std::string(1, p.sex));
      h.push_back("Adm " + date + "   Rm " + std::to_string(100 + rng.below(500)) + "-" +
                  pick(rng, std::array<const char*, 2>{"A", "B"}) + "   Attn Dr. " +
                  pick(rng, std::array<const char*, 5>{"Ortiz", "Nakamura", "Feldman", "Okafor", "Lindqvist"}));
      if (first) h.push_back(clinic);
      break;
    case 2:  // one banner line
      h.push_back("Pt: " + p.given_name + " " + p.family_name + " | Chart # " + p.mrn + " | D.O.B. " +
                  birth(p.birth_date, rng) + " | Encounter " + date);
      break;
    case 3:  // clinic name and a few identifiers, no labels on the name
      h.push_back(clinic);
      h.push_back(p.given_name + " " + p.family_name + "    Acct No. " + p.mrn);
      h.push_back("Birth Date: " + birth(p.birth_date, rng) + "    Seen: " + date);
      break;
    default:  // no header at all (a photocopy with the top cut, a clean export)
      break;
  }
  return h;
}

std::string footer(int style, int page, int pages, const std::string& date, Rng& rng) {
  switch (style) {
    case 0: return "Page " + std::to_string(page) + " of " + std::to_string(pages);
    case 1: return "- " + std::to_string(page) + " -";
    case 2:
      return "Printed " + date + " " + two(7 + static_cast<int>(rng.below(11))) + ":" + two(static_cast<int>(rng.below(60))) +
             "   Page " + std::to_string(page) + "/" + std::to_string(pages);
    case 3: return "CONFIDENTIAL - contains protected health information    pg " + std::to_string(page);
    default: return "";
  }
}

}  // namespace

std::string as_scanned(const Note& note, const Patient& patient, Rng& rng) {
  const int layout = static_cast<int>(rng.below(5));
  const int footer_style = static_cast<int>(rng.below(5));
  const std::string clinic = pick(rng, kClinics);
  const std::string date = visit_date(rng);
  const std::size_t width = 70 + rng.below(40);
  const std::size_t per_page = 24 + rng.below(20);
  const double noise = rng.uniform(0, 0.03);
  std::vector<std::string> body = testgen::wrap_words(note.paragraphs, width);
  const std::size_t pages = std::max<std::size_t>(1, (body.size() + per_page - 1) / per_page);
  std::string title = note.title;
  const double t = rng.uniform();
  if (t < 0.45) title = upper(title);
  if (t > 0.92) title.clear();
  std::string out;
  for (std::size_t k = 0; k < pages; ++k) {
    std::string page;
    for (const std::string& line : header(layout, clinic, patient, k == 0, date, rng)) page += line + "\n";
    if (k == 0 && !title.empty()) page += title + "\n";
    for (std::size_t i = k * per_page; i < std::min(body.size(), (k + 1) * per_page); ++i) page += body[i] + "\n";
    const std::string f = footer(footer_style, static_cast<int>(k + 1), static_cast<int>(pages), date, rng);
    if (!f.empty()) page += f + "\n";
    out += testgen::ocr_noise(page, rng, noise);
    out += '\n';
  }
  return out;
}

}  // namespace chartroom::typecorpus
