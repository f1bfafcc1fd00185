// Full-text search (`chartroom search`): what a person typed becomes an FTS5
// query of quoted strings, and one statement answers it with the filters of
// `chartroom documents`, joined to each hit's document.
#include <algorithm>
#include <cctype>

#include "indexer/store_impl.h"

namespace chartroom::indexer {
namespace {

bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

// An FTS5 string: never syntax, whatever it holds ("NEAR(", OR, -, :).
std::string fts_quote(std::string_view token) {
  std::string out = "\"";
  for (char c : token) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

// Letters and digits, counting a UTF-8 character once.
int letters(std::string_view word) {
  return static_cast<int>(std::ranges::count_if(word, [](char c) {
    const auto b = static_cast<unsigned char>(c);
    return std::isalnum(b) != 0 || b >= 0xC0;
  }));
}

// A prefix of one or two letters would match a good part of a million
// pages' words; a lone * would match every page.
Status check_prefix(std::string_view term) {
  const std::string stem = trim(term);
  if (letters(stem) == 0) {
    return fail(ErrorCode::kInvalidArgument,
                "a * alone matches every page; put at least 3 letters before it (example: hyperten*)");
  }
  const std::size_t space = stem.find_last_of(" \t");
  const std::string_view last = std::string_view(stem).substr(space == std::string::npos ? 0 : space + 1);
  if (letters(last) < 3) {
    return fail(ErrorCode::kInvalidArgument,
                "'" + std::string(last) +
                    "*' is too short a prefix; put at least 3 letters before the * "
                    "(example: hyperten*)");
  }
  return {};
}

struct Term {
  std::string text;
  bool prefix = false;
};

// Reads one word or "quoted phrase" at `i` (not a space); a * ending a word
// or right after a phrase's closing quote makes its last word a prefix.
Term next_term(std::string_view q, std::size_t& i) {
  Term term;
  if (q[i] == '"') {
    const std::size_t close = q.find('"', i + 1);
    const std::size_t end = close == std::string_view::npos ? q.size() : close;
    term.text = q.substr(i + 1, end - i - 1);
    i = close == std::string_view::npos ? q.size() : close + 1;
    while (i < q.size() && q[i] == '*') {
      term.prefix = true;
      ++i;
    }
    return term;
  }
  const std::size_t start = i;
  while (i < q.size() && !is_space(q[i]) && q[i] != '"') ++i;
  term.text = q.substr(start, i - start);
  while (!term.text.empty() && term.text.back() == '*') {
    term.text.pop_back();
    term.prefix = true;
  }
  return term;
}

// Words -> "w1" "w2" (all must match), "a phrase" -> one string, hyperten* ->
// "hyperten"*. Empty when nothing was typed.
Result<std::string> fts_query(std::string_view query) {
  std::string out;
  std::size_t i = 0;
  while (i < query.size()) {
    if (is_space(query[i])) {
      ++i;
      continue;
    }
    const Term term = next_term(query, i);
    if (term.prefix) {
      if (auto s = check_prefix(term.text); !s) return std::unexpected(s.error());
    } else if (trim(term.text).empty()) {
      continue;  // "" or a stray quote
    }
    if (!out.empty()) out.push_back(' ');
    out += fts_quote(term.text);
    if (term.prefix) out.push_back('*');
  }
  return out;
}

// page_text's document_id is an UNINDEXED column of the FTS table (not its
// rowid), so the MATCH must drive: CROSS JOIN keeps SQLite from putting
// documents first (by --patient's index, say) and running the full-text
// query once per document; each hit then finds its document by primary key.
// Should page_text be keyed otherwise, only this statement changes.
constexpr const char* kSearch =
    "SELECT t.document_id, CAST(t.pdf_page AS INTEGER), snippet(page_text, 2, '[', ']', '…', 12), "
    "bm25(page_text), d.state, d.patient_mrn, d.patient_confidence, d.doc_type, d.doc_type_confidence "
    "FROM page_text t CROSS JOIN documents d ON d.id = t.document_id "
    "WHERE page_text MATCH ?1 AND d.state != 'merged' AND (?2 = '' OR d.state = ?2) AND "
    "(?3 = '' OR d.patient_mrn = ?3) AND (?4 = '' OR d.doc_type = ?4) AND (?5 = '' OR d.created_at >= ?5) "
    "ORDER BY bm25(page_text), t.document_id, CAST(t.pdf_page AS INTEGER) LIMIT ?6 OFFSET ?7";

SearchHit read_hit(const Stmt& s) {
  SearchHit hit;
  hit.document = s.text(0);
  hit.pdf_page = static_cast<int>(s.integer(1));
  hit.snippet = s.text(2);
  hit.rank = s.real(3);
  hit.state = parse_document_state(s.text(4)).value_or(DocumentState::kReview);
  if (!s.is_null(5)) hit.patient = PatientRef{s.text(5), s.real(6)};
  if (!s.is_null(7)) hit.doc_type = DocTypeRef{s.text(7), s.real(8)};
  return hit;
}

}  // namespace

const char* search_statement() {
  return kSearch;
}

Result<std::vector<SearchHit>> Store::search(const SearchQuery& query) {
  auto match = fts_query(query.text);
  if (!match) return std::unexpected(match.error());
  if (match->empty()) return std::vector<SearchHit>();
  auto stmt = impl_->db.prepare(kSearch, "searching the text");
  if (!stmt) return std::unexpected(stmt.error());
  const DocumentQuery& f = query.filters;
  stmt->bind(1, *match).bind(2, f.state ? std::string(document_state_name(*f.state)) : std::string());
  stmt->bind(3, f.patient).bind(4, f.type).bind(5, f.since);
  stmt->bind(6, f.limit > 0 ? f.limit : -1).bind(7, std::max(0, f.offset));
  std::vector<SearchHit> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return out;
    out.push_back(read_hit(*stmt));
  }
}

Result<std::vector<SearchHit>> Store::search(std::string_view query, int limit) {
  if (limit <= 0) return std::vector<SearchHit>();
  SearchQuery q{std::string(query), {}};
  q.filters.limit = limit;
  return search(q);
}

}  // namespace chartroom::indexer
