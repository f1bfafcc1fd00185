// Patient index import: RFC 4180 CSV and FHIR R4 Patient Bundles. Bad rows are
// reported (with where and what to fix) and skipped; the rest imports.
#include <array>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "indexer/indexer.h"

namespace chartroom::indexer {
namespace {

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

bool is_valid_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  const auto num = [&](std::size_t at, std::size_t n) {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  const int y = num(0, 4), m = num(5, 2), d = num(8, 2);
  static constexpr std::array<int, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const int max_day = kDays[static_cast<std::size_t>(m - 1)] + (m == 2 && is_leap(y) ? 1 : 0);
  return d <= max_day;
}

std::optional<char> parse_sex(std::string_view s) {
  if (s.size() != 1) return std::nullopt;
  const char c = static_cast<char>(s[0] >= 'a' && s[0] <= 'z' ? s[0] - 'a' + 'A' : s[0]);
  if (c == 'F' || c == 'M' || c == 'O' || c == 'U') return c;
  return std::nullopt;
}

struct CsvRecord {
  int line = 0;  // where the record starts
  std::vector<std::string> fields;
};

// RFC 4180: quoted fields may hold commas, doubled quotes and line breaks; CRLF or LF.
// Returns false with `error` set on an unterminated quote.
bool split_csv(std::string_view text, std::vector<CsvRecord>& records, std::string& error) {
  CsvRecord rec{1, {}};
  std::string field;
  bool in_quotes = false;
  bool quoted = false;  // the current field started with a quote
  int line = 1;
  const auto end_record = [&] {
    rec.fields.push_back(std::move(field));
    field.clear();
    quoted = false;
    // A blank line is no record (e.g. the file's last newline).
    if (!(rec.fields.size() == 1 && rec.fields[0].empty())) records.push_back(std::move(rec));
    rec = CsvRecord{line, {}};
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
    } else if (c == '"' && trim(field).empty() && !quoted) {
      field.clear();
      in_quotes = quoted = true;
    } else if (c == ',') {
      rec.fields.push_back(std::move(field));
      field.clear();
      quoted = false;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      ++line;
      end_record();
    } else {
      field.push_back(c);
    }
  }
  if (in_quotes) {
    error = "line " + std::to_string(rec.line) + ": a quoted field is never closed (missing '\"')";
    return false;
  }
  if (!field.empty() || !rec.fields.empty()) end_record();
  return true;
}

void problem(std::vector<ImportProblem>& problems, int line, const std::string& what) {
  problems.push_back({line, "line " + std::to_string(line) + ": " + what});
}

// One Patient resource; problems go to `report`. Throws json::exception on a
// field of the wrong type (the caller reports it).
template <typename Report>
std::optional<Patient> fhir_patient(const nlohmann::json& res, const Report& report) {
  using nlohmann::json;
  Patient p;
  for (const json& ident : res.value("identifier", json::array())) {
    if (!ident.is_object() || !ident.contains("type") || !ident.contains("value") || !ident["value"].is_string()) {
      continue;
    }
    for (const json& coding : ident["type"].value("coding", json::array())) {
      if (coding.is_object() && coding.value("code", "") == "MR") p.mrn = trim(ident["value"].get<std::string>());
    }
    if (!p.mrn.empty()) break;
  }
  if (p.mrn.empty()) {
    report("no identifier with type code MR");
    return std::nullopt;
  }
  const json names = res.value("name", json::array());  // `name` points into it
  const json* name = nullptr;  // the official name, else the first
  for (const json& n : names) {
    if (!n.is_object()) continue;
    const bool official = n.value("use", "") == "official";
    if (!name || official) name = &n;
    if (official) break;
  }
  if (name && name->contains("family") && (*name)["family"].is_string()) {
    p.family_name = trim((*name)["family"].get<std::string>());
  }
  if (p.family_name.empty()) {
    report("no name with a family name");
    return std::nullopt;
  }
  const json given = name->value("given", json::array());
  if (given.size() > 0 && given[0].is_string()) p.given_name = trim(given[0].get<std::string>());
  if (given.size() > 1 && given[1].is_string()) p.middle_name = trim(given[1].get<std::string>());
  p.birth_date = res.value("birthDate", "");
  if (!is_valid_date(p.birth_date)) {
    report(p.birth_date.empty() ? "no birthDate"
                                : "birthDate '" + p.birth_date + "' is not a full date (expected YYYY-MM-DD)");
    return std::nullopt;
  }
  static const std::map<std::string, char> kGender{{"male", 'M'}, {"female", 'F'}, {"other", 'O'}, {"unknown", 'U'}};
  const auto g = kGender.find(res.value("gender", "unknown"));
  p.sex = g == kGender.end() ? 'U' : g->second;
  return p;
}

}  // namespace

Result<std::vector<Patient>> parse_patients_csv(std::string_view text, std::vector<ImportProblem>& problems) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // Excel writes a UTF-8 BOM
  std::vector<CsvRecord> records;
  std::string error;
  if (!split_csv(text, records, error)) return fail(ErrorCode::kInvalidArgument, error);
  if (records.empty()) return fail(ErrorCode::kInvalidArgument, "the patient CSV is empty (expected a header row)");

  std::map<std::string, std::size_t> column;
  for (std::size_t i = 0; i < records[0].fields.size(); ++i) {
    column.emplace(to_lower_ascii(trim(records[0].fields[i])), i);
  }
  std::string missing;
  for (const char* name : {"mrn", "family_name", "given_name", "birth_date", "sex"}) {
    if (!column.contains(name)) missing += (missing.empty() ? "" : ", ") + std::string(name);
  }
  if (!missing.empty()) {
    return fail(ErrorCode::kInvalidArgument,
                "the patient CSV header lacks required column(s): " + missing +
                    " (needs mrn,family_name,given_name,birth_date,sex in any order)");
  }
  const auto middle = column.find("middle_name");
  const std::size_t width = records[0].fields.size();

  std::vector<Patient> patients;
  std::map<std::string, int> first_line;  // MRN -> line it was first seen on
  for (std::size_t r = 1; r < records.size(); ++r) {
    const CsvRecord& rec = records[r];
    if (rec.fields.size() != width) {
      problem(problems, rec.line, "has " + std::to_string(rec.fields.size()) + " fields, the header has " +
                                      std::to_string(width) + " (a comma inside a name needs quotes)");
      continue;
    }
    const auto field = [&](const char* name) { return trim(rec.fields[column.at(name)]); };
    Patient p{field("mrn"), field("family_name"), field("given_name"),
              middle == column.end() ? std::string() : trim(rec.fields[middle->second]), field("birth_date"), 'U'};
    if (p.mrn.empty()) {
      problem(problems, rec.line, "mrn is empty");
      continue;
    }
    if (p.family_name.empty()) {
      problem(problems, rec.line, "family_name is empty (MRN " + p.mrn + ")");
      continue;
    }
    if (!is_valid_date(p.birth_date)) {
      problem(problems, rec.line, "birth_date '" + p.birth_date + "' is not a valid date (expected YYYY-MM-DD)");
      continue;
    }
    const std::string sex = field("sex");
    const auto parsed_sex = parse_sex(sex);
    if (!parsed_sex) {
      problem(problems, rec.line, "sex '" + sex + "' is not one of F M O U");
      continue;
    }
    p.sex = *parsed_sex;
    if (auto [it, inserted] = first_line.emplace(p.mrn, rec.line); !inserted) {
      problem(problems, rec.line, "MRN " + p.mrn + " already appears on line " + std::to_string(it->second) +
                                      "; this row is skipped, the first one kept");
      continue;
    }
    patients.push_back(std::move(p));
  }
  return patients;
}

namespace {

// "line 3, column 14" for the 1-based byte offset nlohmann reports.
std::string text_position(std::string_view text, std::size_t byte) {
  std::size_t line = 1;
  std::size_t column = 1;
  for (std::size_t i = 0; i + 1 < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

}  // namespace

Result<std::vector<Patient>> parse_patients_fhir(std::string_view text, std::vector<ImportProblem>& problems) {
  using nlohmann::json;
  json bundle;
  try {
    bundle = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    return fail(ErrorCode::kInvalidArgument, "the FHIR file is not valid JSON: it breaks off or has a stray "
                                             "character at " + text_position(text, e.byte) +
                                             "; export the Bundle again from the source system (a CSV roster "
                                             "works too)");
  } catch (const json::exception&) {  // e.g. a number too large for a double (found by fuzz_patients_fhir)
    return fail(ErrorCode::kInvalidArgument, "the FHIR file holds a value JSON cannot represent (such as a number "
                                             "too large); export the Bundle again from the source system");
  }
  // (Compared as JSON: value("resourceType", "") would throw on {"resourceType": 6},
  // found by fuzz_patients_fhir.)
  if (!bundle.is_object() || !bundle.contains("resourceType") || bundle["resourceType"] != "Bundle") {
    return fail(ErrorCode::kInvalidArgument, "the FHIR file is not a Bundle (resourceType must be \"Bundle\")");
  }
  const auto entries = bundle.find("entry");
  if (entries == bundle.end() || !entries->is_array()) return std::vector<Patient>();

  std::vector<Patient> patients;
  std::set<std::string> seen;
  int number = 0;
  for (const json& entry : *entries) {
    ++number;
    if (!entry.is_object() || !entry.contains("resource") || !entry["resource"].is_object()) continue;
    const json& res = entry["resource"];
    if (!res.contains("resourceType") || res["resourceType"] != "Patient") continue;  // other resources may ride along
    const std::string id = res.contains("id") && res["id"].is_string() ? res["id"].get<std::string>() : "?";
    const std::string where = "entry " + std::to_string(number) + " (Patient/" + id + "): ";
    const auto report = [&](const std::string& what) { problems.push_back({0, where + what}); };
    try {
      auto p = fhir_patient(res, report);
      if (!p) continue;
      if (!seen.insert(p->mrn).second) {
        report("MRN " + p->mrn + " appears in an earlier entry; this one is skipped");
        continue;
      }
      patients.push_back(std::move(*p));
    } catch (const json::exception& e) {
      // A field of the wrong JSON type (e.g. "birthDate": 1980).
      report(std::string("malformed resource: ") + e.what());
    }
  }
  return patients;
}

}  // namespace chartroom::indexer
