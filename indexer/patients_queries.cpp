// The patient index as `chartroom patients list|search` read it: in name
// order and paged by the database, found by MRN, name or date of birth
// through indexes (patients_by_name_upper, schema version 7; the MRN's
// primary key; patients_by_birth_date), so a million patients answer as fast
// as ten.
#include <algorithm>
#include <cctype>

#include "indexer/store_impl.h"

namespace chartroom::indexer {
namespace {

// Every patient column, and the documents filed to them (documents_by_patient).
constexpr const char* kColumns =
    "SELECT mrn, family_name, given_name, middle_name, birth_date, sex, "
    "(SELECT count(*) FROM documents d WHERE d.patient_mrn = p.mrn AND d.state = 'filed') FROM patients p ";

// The start of a text as a range over an index: every string from ?N up to
// ?N followed by the greatest character.
// ?1: the MRN's start; ?2, ?3: the family and given names' starts, upper-case.
constexpr const char* kByText =
    "((p.mrn >= ?1 AND p.mrn < ?1 || char(1114111)) OR "
    "(upper(p.family_name) >= ?2 AND upper(p.family_name) < ?2 || char(1114111) AND "
    "instr(upper(p.given_name), ?3) = 1))";
constexpr const char* kByBirthDate = "p.birth_date = ?4";
// Served by patients_by_name_upper without a sort when listing.
constexpr const char* kOrder =
    " ORDER BY upper(p.family_name), upper(p.given_name), p.mrn LIMIT ?5 OFFSET ?6";

bool is_day(std::string_view s) {
  return s.size() == 10 && s[4] == '-' && s[7] == '-' && std::ranges::all_of(s, [](char c) {
           return c == '-' || std::isdigit(static_cast<unsigned char>(c)) != 0;
         });
}

// What a query's text means: a date of birth among its words, and the rest
// as an MRN's start or a name ("SMITH, JOHN" or "SMITH JOHN": family, given).
struct Terms {
  std::string mrn;
  std::string family;
  std::string given;
  std::string birth_date;
  std::string other_date;  // a second, different date: which one is meant is not known
};

Terms terms_of(const PatientQuery& query) {
  Terms t;
  t.birth_date = trim(query.birth_date);
  std::vector<std::string> words;
  std::string word;
  for (char c : query.text + " ") {
    if (std::isspace(static_cast<unsigned char>(c)) == 0) {
      word.push_back(c);
      continue;
    }
    if (is_day(word)) {
      if (t.birth_date.empty()) t.birth_date = word;
      if (word != t.birth_date) t.other_date = word;
    } else if (!word.empty()) {
      words.push_back(word);
    }
    word.clear();
  }
  std::string rest;
  for (const std::string& w : words) rest += (rest.empty() ? "" : " ") + w;
  t.mrn = rest;
  const std::size_t comma = rest.find(',');
  const std::size_t split = comma != std::string::npos ? comma : rest.find(' ');
  t.family = to_upper_ascii(trim(rest.substr(0, split)));
  t.given = split == std::string::npos ? "" : to_upper_ascii(trim(rest.substr(split + 1)));
  return t;
}

Result<std::vector<PatientListing>> collect(Stmt& stmt) {
  std::vector<PatientListing> out;
  for (;;) {
    auto row = stmt.step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return out;
    PatientListing p;
    p.patient = {stmt.text(0), stmt.text(1), stmt.text(2), stmt.text(3), stmt.text(4), 'U'};
    if (const std::string sex = stmt.text(5); !sex.empty()) p.patient.sex = sex[0];
    p.documents = static_cast<int>(stmt.integer(6));
    out.push_back(std::move(p));
  }
}

}  // namespace

std::string patients_statement(bool by_text, bool by_birth_date) {
  std::string sql = kColumns;
  if (by_text || by_birth_date) sql += "WHERE ";
  if (by_text) sql += kByText;
  if (by_text && by_birth_date) sql += " AND ";
  if (by_birth_date) sql += kByBirthDate;
  return sql + kOrder;
}

Result<std::vector<PatientListing>> Store::list_patients(int limit, int offset) {
  auto stmt = impl_->db.prepare(patients_statement(false, false), "listing patients");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(5, limit > 0 ? limit : -1).bind(6, std::max(0, offset));
  return collect(*stmt);
}

Result<std::vector<PatientListing>> Store::find_patients(const PatientQuery& query) {
  const Terms t = terms_of(query);
  if (t.mrn.empty() && t.birth_date.empty()) {
    return fail(ErrorCode::kInvalidArgument,
                "nothing to look for: give an MRN, a name (SMITH, JOHN) or a date of birth (YYYY-MM-DD)");
  }
  if (!t.birth_date.empty() && !is_day(t.birth_date)) {
    return fail(ErrorCode::kInvalidArgument,
                "'" + t.birth_date + "' is not a date of birth; give it as YYYY-MM-DD (example: 1950-03-02)");
  }
  if (!t.other_date.empty()) {
    return fail(ErrorCode::kInvalidArgument, "two dates of birth (" + t.birth_date + " and " + t.other_date +
                                                 "); give the one to look for");
  }
  auto stmt =
      impl_->db.prepare(patients_statement(!t.mrn.empty(), !t.birth_date.empty()), "looking up patients");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, t.mrn).bind(2, t.family).bind(3, t.given).bind(4, t.birth_date);
  stmt->bind(5, query.limit > 0 ? query.limit : -1).bind(6, std::max(0, query.offset));
  return collect(*stmt);
}

}  // namespace chartroom::indexer
