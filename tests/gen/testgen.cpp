// Source data for the generator: Synthea patients, MTSamples notes, the
// roster writer, text clean-up and the character error rate.
#include "tests/gen/testgen.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <functional>
#include <sstream>
#include <unordered_set>

#include "tests/gen/testgen_internal.h"

namespace chartroom::testgen {

namespace {

// ---------------------------------------------------------------- CSV

// RFC 4180 reader over a stream: quoted fields may hold commas, doubled
// quotes and line breaks. Reads one record per call so callers can stop early.
class CsvReader {
 public:
  explicit CsvReader(std::istream& in) : in_(*in.rdbuf()) {
    // A UTF-8 byte-order mark would otherwise end up in the first column name.
    if (in_.sgetc() == 0xEF) {
      in_.sbumpc();
      in_.sbumpc();
      in_.sbumpc();
    }
  }

  // False at the end of the input.
  bool next(std::vector<std::string>& fields) {
    fields.clear();
    if (in_.sgetc() == std::char_traits<char>::eof()) return false;
    std::string field;
    bool quoted = false;
    for (;;) {
      const int c = in_.sbumpc();
      if (c == std::char_traits<char>::eof()) break;
      const char ch = static_cast<char>(c);
      if (quoted) {
        if (ch == '"') {
          if (in_.sgetc() == '"') {
            in_.sbumpc();
            field += '"';
          } else {
            quoted = false;
          }
        } else {
          field += ch;
        }
      } else if (ch == '"') {
        quoted = true;
      } else if (ch == ',') {
        fields.push_back(std::move(field));
        field.clear();
      } else if (ch == '\n') {
        break;
      } else if (ch != '\r') {
        field += ch;
      }
    }
    fields.push_back(std::move(field));
    return true;
  }

 private:
  std::streambuf& in_;
};

// Column positions by header name; -1 when absent.
struct Columns {
  std::vector<std::string> names;
  int find(std::string_view name) const {
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (to_lower_ascii(trim(names[i])) == to_lower_ascii(name)) return static_cast<int>(i);
    }
    return -1;
  }
};

std::string field_or_empty(const std::vector<std::string>& row, int column) {
  if (column < 0 || static_cast<std::size_t>(column) >= row.size()) return {};
  return row[static_cast<std::size_t>(column)];
}

// ---------------------------------------------------------------- patients

std::string strip_digits(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (std::isdigit(static_cast<unsigned char>(c)) == 0) out += c;
  }
  return trim(detail::to_printable_ascii(out));
}

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

// 8 digits, leading digit nonzero; collisions rehash with a counter so the
// result depends only on the file's order.
std::string make_mrn(std::string_view id, std::unordered_set<std::string>& used) {
  for (int attempt = 0;; ++attempt) {
    std::string key(id);
    if (attempt > 0) key += "#" + std::to_string(attempt);
    std::string mrn = std::to_string(10'000'000 + fnv1a(key) % 90'000'000);
    if (used.insert(mrn).second) return mrn;
  }
}

std::vector<Patient> builtin_patients() {
  // Invented people for when the shared data is not there.
  return {
      {"20481736", "Halvorsen", "Margit", "", "1948-02-11", 'F'},
      {"31975502", "Okafor", "Daniel", "", "1972-09-30", 'M'},
      {"47210389", "Brennan", "Louise", "", "1990-05-17", 'F'},
      {"58832014", "Castellano", "Mateo", "", "2001-12-03", 'M'},
      {"62094457", "Whitfield", "Eleanor", "", "1936-07-22", 'F'},
      {"73318820", "Nakamura", "Kenji", "", "1965-03-08", 'M'},
      {"84460193", "Duval", "Simone", "", "1983-10-14", 'F'},
      {"95127346", "Lindqvist", "Arne", "", "1957-01-26", 'M'},
  };
}

// ---------------------------------------------------------------- samples

std::vector<Sample> builtin_samples() {
  return {
      {"SOAP / Chart / Progress Notes",
       "Follow-up Visit",
       {"SUBJECTIVE: The patient returns for follow-up of hypertension. She reports good adherence to "
        "lisinopril 10 mg daily and denies headache, chest pain or shortness of breath.",
        "OBJECTIVE: Blood pressure 132/84, pulse 72, temperature 98.4 F. Lungs are clear. Heart has a "
        "regular rate and rhythm without murmur. No peripheral edema.",
        "ASSESSMENT: Essential hypertension, improving on current therapy.",
        "PLAN: Continue lisinopril 10 mg daily. Check basic metabolic panel before the next visit. "
        "Return to clinic in three months or sooner if symptoms develop."}},
      {"Discharge Summary",
       "Discharge Summary",
       {"ADMISSION DIAGNOSIS: Community-acquired pneumonia.",
        "DISCHARGE DIAGNOSIS: Community-acquired pneumonia, resolving.",
        "HOSPITAL COURSE: The patient was admitted with fever, productive cough and a right lower lobe "
        "infiltrate on chest x-ray. He was treated with intravenous ceftriaxone and azithromycin and "
        "improved steadily. He was afebrile for 48 hours before discharge and tolerating a regular diet.",
        "DISCHARGE MEDICATIONS: Amoxicillin-clavulanate 875 mg twice daily for five more days.",
        "FOLLOW-UP: Primary care physician in one week. Repeat chest x-ray in six weeks."}},
      {"Radiology",
       "Chest X-ray, Two Views",
       {"EXAM: PA and lateral views of the chest.",
        "INDICATION: Cough and low-grade fever for one week.",
        "FINDINGS: The heart size is normal. There is patchy airspace opacity in the right lower lobe. "
        "No pleural effusion or pneumothorax. The osseous structures are intact.",
        "IMPRESSION: Right lower lobe pneumonia. Follow-up imaging is recommended after treatment."}},
      {"Surgery",
       "Laparoscopic Cholecystectomy",
       {"PREOPERATIVE DIAGNOSIS: Symptomatic cholelithiasis.",
        "POSTOPERATIVE DIAGNOSIS: Symptomatic cholelithiasis.",
        "PROCEDURE: Laparoscopic cholecystectomy.",
        "ANESTHESIA: General endotracheal.",
        "DESCRIPTION OF PROCEDURE: The patient was placed supine and the abdomen was prepped and draped "
        "in the usual sterile fashion. Four ports were placed under direct vision. The cystic duct and "
        "cystic artery were identified, clipped and divided. The gallbladder was removed from the liver "
        "bed with electrocautery and extracted in a bag. Estimated blood loss was minimal. The patient "
        "tolerated the procedure well and was taken to recovery in stable condition."}},
  };
}

// "2-D Echocardiogram - 1" -> "2-D Echocardiogram": the numbering only tells
// MTSamples' duplicates apart and would look odd as a printed title.
std::string clean_title(std::string_view sample_name) {
  std::string title = trim(detail::to_printable_ascii(sample_name));
  std::size_t end = title.size();
  while (end > 0 && std::isdigit(static_cast<unsigned char>(title[end - 1])) != 0) --end;
  std::size_t dash = end;
  while (dash > 0 && title[dash - 1] == ' ') --dash;
  if (end < title.size() && dash > 1 && title[dash - 1] == '-' && title[dash - 2] == ' ') title = trim(title.substr(0, dash - 1));
  return title;
}

// True when a new paragraph starts at `text` (after the separating comma):
// a "HEADING:" or a numbered list item "1.  text" (not "C3,4. " inside a sentence).
bool starts_paragraph(std::string_view text, char before_comma, std::string_view pending) {
  // "EARS, NOSE, MOUTH AND THROAT:" is one heading, not "EARS, NOSE" and
  // another: an upper-case list before the comma continues into it.
  // (Trimmed as a view and all_of first: a long paragraph is neither copied
  // nor scanned past its first lower-case letter at each of its commas.)
  const std::size_t first = pending.find_first_not_of(" \t\r\n");
  pending = first == std::string_view::npos ? std::string_view() : pending.substr(first);
  pending = pending.substr(0, pending.find_last_not_of(" \t\r\n") + 1);
  const bool upper_list = std::ranges::all_of(pending, [](char c) {
    return (c >= 'A' && c <= 'Z') || c == ' ' || c == ',' || c == '&';
  }) && pending.find(',') != std::string_view::npos;
  if (upper_list) return false;
  std::size_t i = 0;
  while (i < text.size() && text[i] == ' ') ++i;
  text.remove_prefix(i);
  if (detail::heading_length(text) > 0) return true;
  // ".,Attention was..." is a flattened line break between sentences.
  if (before_comma == '.' && !text.empty() && std::isupper(static_cast<unsigned char>(text[0])) != 0) return true;
  std::size_t digits = 0;
  while (digits < text.size() && digits < 3 && std::isdigit(static_cast<unsigned char>(text[digits])) != 0) {
    ++digits;
  }
  return digits > 0 && digits + 1 < text.size() && text[digits] == '.' && text[digits + 1] == ' ' &&
         std::isdigit(static_cast<unsigned char>(before_comma)) == 0;
}

// Removes the ", ," debris the flattening left after a heading's colon.
std::string tidy_paragraph(std::string_view raw) {
  std::string text = trim(detail::to_printable_ascii(raw));
  const std::size_t head = detail::heading_length(text);
  if (head > 0) {
    std::size_t rest = head;
    while (rest < text.size() && (text[rest] == ' ' || text[rest] == ',')) ++rest;
    text = text.substr(0, head) + (rest < text.size() ? " " + text.substr(rest) : std::string());
  }
  while (!text.empty() && (text.back() == ',' || text.back() == ' ')) text.pop_back();
  return text;
}

std::vector<std::string> split_paragraphs(std::string_view transcription) {
  std::vector<std::string> paragraphs;
  std::size_t start = 0;
  auto emit = [&](std::size_t end) {
    std::string paragraph = tidy_paragraph(transcription.substr(start, end - start));
    const bool only_punctuation = std::all_of(paragraph.begin(), paragraph.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) == 0;
    });
    if (!only_punctuation) paragraphs.push_back(std::move(paragraph));
  };
  for (std::size_t i = 0; i < transcription.size(); ++i) {
    if (transcription[i] == ',' &&
        starts_paragraph(transcription.substr(i + 1), i > 0 ? transcription[i - 1] : ' ',
                         transcription.substr(start, i - start))) {
      emit(i);
      start = i + 1;
    }
  }
  emit(transcription.size());
  return paragraphs;
}

}  // namespace

// ---------------------------------------------------------------- text helpers

namespace detail {

std::string to_printable_ascii(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  auto put = [&](std::string_view s) {
    for (char c : s) {
      if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
      out += c;
    }
  };
  for (std::size_t i = 0; i < utf8.size();) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      if (c >= 0x20 && c < 0x7F) {
        put(std::string_view(&utf8[i], 1));
      } else if (c == '\t' || c == '\n' || c == '\r') {
        put(" ");
      }
      ++i;
      continue;
    }
    const std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    std::uint32_t cp = len == 1 ? 0 : c & (0xFFu >> (len + 1));
    for (std::size_t k = 1; k < len && i + k < utf8.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3Fu);
    }
    i += len;
    // Latin-1 letters keep their base letter; a few symbols get a spelling.
    static constexpr std::string_view kLatin1 =
        "AAAAAAACEEEEIIIIDNOOOOOxOUUUUYTsaaaaaaaceeeeiiiidnooooo/ouuuuyty";
    if (cp >= 0xC0 && cp <= 0xFF) {
      put(kLatin1.substr(cp - 0xC0, 1));
    } else if (cp == 0x2018 || cp == 0x2019 || cp == 0x2032) {
      put("'");
    } else if (cp == 0x201C || cp == 0x201D || cp == 0x2033) {
      put("\"");
    } else if (cp == 0x2013 || cp == 0x2014 || cp == 0x2212) {
      put("-");
    } else if (cp == 0xB0 || cp == 0xBA) {
      put(" degrees");
    } else if (cp == 0xB5 || cp == 0x3BC) {
      put("u");
    } else if (cp == 0xBC) {
      put("1/4");
    } else if (cp == 0xBD) {
      put("1/2");
    } else if (cp == 0xB1) {
      put("+/-");
    } else if (cp == 0xA0 || cp == 0x2009 || cp == 0x2002 || cp == 0x2003) {
      put(" ");
    } else if (cp == 0x2026) {
      put("...");
    } else if (cp == 0x1EA1 || cp == 0x1EA0) {
      put("a");
    } else if (cp == 0x1ECB || cp == 0x1ECA) {
      put("i");
    } else if (cp == 0x110 || cp == 0x111) {
      put(cp == 0x110 ? "D" : "d");
    }
    // Anything else cannot be drawn by every fallback font: dropped.
  }
  return out;
}

std::size_t heading_length(std::string_view text) {
  int letters = 0;
  const std::size_t limit = std::min<std::size_t>(text.size(), 60);
  for (std::size_t i = 0; i < limit; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == ':') {
      // "10:30" is a time, not a heading; a heading needs two capitals.
      return letters >= 2 && i > 0 && text[i - 1] != ' ' ? i + 1 : 0;
    }
    if (std::isupper(c) != 0) {
      ++letters;
    } else if (std::isdigit(c) == 0 && std::string_view(" /&()'-.").find(static_cast<char>(c)) ==
                                           std::string_view::npos) {
      return 0;
    }
  }
  return 0;
}

Image to_gray8(const Image& image) {
  if (image.format == PixelFormat::kGray8) return image;
  Image out = Image::blank(image.width, image.height, PixelFormat::kGray8, image.dpi_x);
  out.dpi_y = image.dpi_y;
  for (int y = 0; y < image.height; ++y) {
    const auto src = image.row(y);
    auto dst = out.row(y);
    for (int x = 0; x < image.width; ++x) {
      const auto ux = static_cast<std::size_t>(x);
      if (image.format == PixelFormat::kGray1) {
        dst[ux] = (src[ux / 8] & (0x80u >> (ux % 8))) != 0 ? 0 : 255;
      } else {
        const unsigned sum = 299u * src[3 * ux] + 587u * src[3 * ux + 1] + 114u * src[3 * ux + 2];
        dst[ux] = static_cast<std::uint8_t>(sum / 1000u);
      }
    }
  }
  return out;
}

Image to_gray1(const Image& image, int threshold) {
  if (image.format == PixelFormat::kGray1) return image;
  const Image gray = to_gray8(image);
  Image out = Image::blank(gray.width, gray.height, PixelFormat::kGray1, gray.dpi_x);
  out.dpi_y = gray.dpi_y;
  for (int y = 0; y < gray.height; ++y) {
    const auto src = gray.row(y);
    auto dst = out.row(y);
    for (int x = 0; x < gray.width; ++x) {
      const auto ux = static_cast<std::size_t>(x);
      if (src[ux] < threshold) dst[ux / 8] |= static_cast<std::uint8_t>(0x80u >> (ux % 8));
    }
  }
  return out;
}

}  // namespace detail

// ---------------------------------------------------------------- public

std::filesystem::path shared_data_dir() {
#ifdef CHARTROOM_SHARED_DATA
  return std::filesystem::path(CHARTROOM_SHARED_DATA).lexically_normal();
#else
  return "../shared/data";
#endif
}

std::vector<Patient> load_patients(const std::filesystem::path& synthea_csv) {
  std::ifstream in(synthea_csv, std::ios::binary);
  if (!in) return builtin_patients();
  CsvReader reader(in);
  Columns columns;
  if (!reader.next(columns.names)) return builtin_patients();
  const int id = columns.find("Id");
  const int birth = columns.find("BIRTHDATE");
  const int first = columns.find("FIRST");
  const int last = columns.find("LAST");
  const int gender = columns.find("GENDER");
  if (id < 0 || first < 0 || last < 0) return builtin_patients();

  std::vector<Patient> patients;
  std::unordered_set<std::string> used;
  std::vector<std::string> row;
  while (reader.next(row)) {
    const std::string key = trim(field_or_empty(row, id));
    if (key.empty()) continue;
    Patient p;
    p.mrn = make_mrn(key, used);
    p.given_name = strip_digits(field_or_empty(row, first));
    p.family_name = strip_digits(field_or_empty(row, last));
    p.birth_date = trim(field_or_empty(row, birth));
    const std::string sex = trim(field_or_empty(row, gender));
    p.sex = sex == "M" || sex == "F" ? sex[0] : 'U';
    if (p.family_name.empty() || p.given_name.empty()) continue;
    patients.push_back(std::move(p));
  }
  return patients.empty() ? builtin_patients() : patients;
}

std::vector<Sample> load_samples(const std::filesystem::path& mtsamples_csv, std::size_t limit) {
  std::ifstream in(mtsamples_csv, std::ios::binary);
  if (!in) return builtin_samples();
  CsvReader reader(in);
  Columns columns;
  if (!reader.next(columns.names)) return builtin_samples();
  const int specialty = columns.find("medical_specialty");
  const int name = columns.find("sample_name");
  const int transcription = columns.find("transcription");
  if (transcription < 0) return builtin_samples();

  std::vector<Sample> samples;
  std::vector<std::string> row;
  while ((limit == 0 || samples.size() < limit) && reader.next(row)) {
    Sample s;
    s.specialty = trim(field_or_empty(row, specialty));
    s.title = clean_title(field_or_empty(row, name));
    s.paragraphs = split_paragraphs(field_or_empty(row, transcription));
    if (s.paragraphs.empty()) continue;
    samples.push_back(std::move(s));
  }
  return samples.empty() ? builtin_samples() : samples;
}

Status write_roster_csv(const std::vector<Patient>& patients, const std::filesystem::path& path) {
  auto quote = [](std::string_view field) {
    if (field.find_first_of(",\"\n") == std::string_view::npos) return std::string(field);
    std::string out = "\"";
    for (char c : field) {
      if (c == '"') out += '"';
      out += c;
    }
    return out + "\"";
  };
  std::string text = "mrn,family_name,given_name,middle_name,birth_date,sex\n";
  for (const Patient& p : patients) {
    text += quote(p.mrn) + ',' + quote(p.family_name) + ',' + quote(p.given_name) + ',' +
            quote(p.middle_name) + ',' + quote(p.birth_date) + ',' + std::string(1, p.sex) + '\n';
  }
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  return write_file_atomic(path, {bytes, text.size()}, 0644);
}

double character_error_rate(std::string_view truth, std::string_view read) {
  auto fold = [](std::string_view text) {
    std::string out;
    for (char c : text) {
      const bool space = std::isspace(static_cast<unsigned char>(c)) != 0;
      if (space) {
        if (!out.empty() && out.back() != ' ') out += ' ';
      } else {
        out += c;
      }
    }
    if (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
  };
  const std::string a = fold(truth);
  const std::string b = fold(read);
  if (a.empty()) return b.empty() ? 0.0 : 1.0;
  std::vector<std::size_t> previous(b.size() + 1);
  std::vector<std::size_t> current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitute = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitute});
    }
    std::swap(previous, current);
  }
  return static_cast<double>(previous[b.size()]) / static_cast<double>(a.size());
}

}  // namespace chartroom::testgen
