// file_batch: PDFs to temp names, then renames, then one transaction. A crash
// before the commit leaves PDFs without rows; re-filing the same ids overwrites them.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <chrono>
#include <cstring>
#include <set>
#include <nlohmann/json.hpp>
#include <system_error>

#include "indexer/pdf_assembly.h"
#include "indexer/store_impl.h"

namespace chartroom::indexer {
namespace fs = std::filesystem;
namespace {

std::string page_label(const PageRecord& page) {
  return "page " + std::to_string(page.ref.index + 1) + " of " + page.ref.source;
}

// Where each page sits: its document and 1-based position there.
struct Placement {
  const DocumentRecord* document = nullptr;
  int pdf_page = 0;
};

Result<std::vector<Placement>> place_pages(const BatchRecord& batch) {
  std::vector<Placement> placement(batch.pages.size());
  for (const DocumentRecord& doc : batch.documents) {
    if (auto s = check_document_id(doc.id); !s) return std::unexpected(s.error());
    if (doc.pages.empty()) return fail(ErrorCode::kInvalidArgument, "document " + doc.id + " has no pages");
    if (!nlohmann::json::accept(doc.evidence_json.empty() ? "{}" : doc.evidence_json)) {
      return fail(ErrorCode::kInvalidArgument, "document " + doc.id + ": evidence is not valid JSON");
    }
    for (std::size_t i = 0; i < doc.pages.size(); ++i) {
      const int p = doc.pages[i];
      if (p < 0 || static_cast<std::size_t>(p) >= batch.pages.size()) {
        return fail(ErrorCode::kInvalidArgument, "document " + doc.id + " names page " + std::to_string(p) +
                                                     " but batch " + batch.name + " has " +
                                                     std::to_string(batch.pages.size()));
      }
      auto& slot = placement[static_cast<std::size_t>(p)];
      if (slot.document) {
        return fail(ErrorCode::kInvalidArgument, page_label(batch.pages[static_cast<std::size_t>(p)]) +
                                                     " is in two documents (" + slot.document->id + ", " +
                                                     doc.id + ")");
      }
      slot = {&doc, static_cast<int>(i) + 1};
    }
  }
  return placement;
}

// Copies a quarantined input into STORE/quarantine/HASH/original so it
// survives the source folder being cleaned. A private copy (0600 in a 0700
// folder), never a hard link: a link would keep the dropped file's owner and
// mode and let whoever dropped it change what the store holds. The path in the
// store is built from the content hash only; the input's name (which may hold
// "..", slashes, newlines or worse) is in the files row, never in a path. The
// input is opened once without following links and read through that descriptor.
Status keep_quarantined(const fs::path& root, const FileRecord& file) {
  // Vanished, or not a regular file (a folder, a pipe): its row still records
  // it, and chartroom never moves or deletes the original.
  if (file.path.empty()) return {};
  // The hash names a folder: it must be one (hex from content_hash).
  if (file.hash.empty() || file.hash.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return fail(ErrorCode::kInvalidArgument, "quarantined file " + file.source + " has no content hash");
  }
  const int in = ::open(file.path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
  if (in < 0) return {};
  struct stat st {};
  if (::fstat(in, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(in);
    return {};
  }
  std::error_code ec;
  const fs::path dir = root / "quarantine" / file.hash;
  fs::create_directories(dir, ec);
  if (!ec) fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  const fs::path target = dir / "original";
  if (ec || fs::exists(target, ec)) {  // same content already kept
    ::close(in);
    if (ec) return fail(ErrorCode::kIo, "cannot create the quarantine folder " + dir.string() + ": " + ec.message());
    return {};
  }
  const fs::path temp = dir / "original.part";
  const int out = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  bool ok = out >= 0;
  std::vector<char> buffer(ok ? 1 << 20 : 0);
  while (ok) {
    const ssize_t n = ::read(in, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = n == 0;
      break;
    }
    for (ssize_t done = 0; ok && done < n;) {
      const ssize_t w = ::write(out, buffer.data() + done, static_cast<std::size_t>(n - done));
      ok = w > 0;
      done += ok ? w : 0;
    }
  }
  const int err = errno;
  ::close(in);
  if (out >= 0 && ::close(out) != 0) ok = false;
  if (ok && ::rename(temp.c_str(), target.c_str()) == 0) return {};
  ::unlink(temp.c_str());
  return fail(ErrorCode::kIo, "cannot keep quarantined file " + file.source + " in " + target.string() + ": " +
                                  std::strerror(err));
}

// Documents of the batch that a person has decided on since they were first
// filed (resolved, moved, split, merged, rotated, rejected): filing the same
// batch again must never undo a decision, so these and their pages are left as
// they are.
Result<std::set<std::string>> decided_documents(Db& db, const BatchRecord& batch) {
  auto stmt = db.prepare(
      "SELECT 1 FROM documents WHERE id = ?1 AND (decided_by IS NOT NULL OR revision > 0 OR state = 'merged')",
      "checking for decided documents");
  if (!stmt) return std::unexpected(stmt.error());
  std::set<std::string> decided;
  for (const DocumentRecord& d : batch.documents) {
    stmt->bind(1, d.id);
    auto row = stmt->step();
    if (!row) return std::unexpected(row.error());
    if (*row) decided.insert(d.id);
    stmt->reset();
  }
  return decided;
}

Status record_batch(Db& db, AuditChain& chain, const BatchRecord& batch, const std::vector<Placement>& placement,
                    const std::set<std::string>& decided) {
  const std::string now = now_utc_iso();
  auto files = db.prepare(
      "INSERT INTO files(hash, source, size, page_count, quarantined, reason, first_seen) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(hash) DO UPDATE SET source = excluded.source, "
      "size = excluded.size, page_count = excluded.page_count, quarantined = excluded.quarantined, "
      "reason = excluded.reason",
      "recording files");
  if (!files) return std::unexpected(files.error());
  auto seen = db.prepare("INSERT OR IGNORE INTO file_sightings(hash, source, first_seen) VALUES (?1, ?2, ?3)",
                         "recording where files were seen");
  if (!seen) return std::unexpected(seen.error());
  for (const FileRecord& f : batch.files) {
    files->bind(1, f.hash).bind(2, f.source).bind(3, static_cast<std::int64_t>(f.size)).bind(4, f.page_count);
    files->bind(5, f.quarantined ? 1 : 0).bind(6, f.reason.empty() ? std::nullopt : std::optional(f.reason));
    files->bind(7, now);
    if (auto s = files->run(); !s) return s;
    seen->bind(1, f.hash).bind(2, f.source).bind(3, now);
    if (auto s = seen->run(); !s) return s;
  }

  // Documents before pages: pages.document_id references them. Upsert keeps created_at on re-filing.
  auto docs = db.prepare(
      "INSERT INTO documents(id, state, patient_mrn, patient_confidence, doc_type, doc_type_confidence, pdf, "
      "page_count, review_reasons, batch, evidence, created_at, review_kinds) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) ON CONFLICT(id) DO UPDATE SET "
      "state = excluded.state, patient_mrn = excluded.patient_mrn, "
      "patient_confidence = excluded.patient_confidence, doc_type = excluded.doc_type, "
      "doc_type_confidence = excluded.doc_type_confidence, pdf = excluded.pdf, "
      "page_count = excluded.page_count, review_reasons = excluded.review_reasons, batch = excluded.batch, "
      "evidence = excluded.evidence, review_kinds = excluded.review_kinds",
      "recording documents");
  if (!docs) return std::unexpected(docs.error());
  // By page_text_rows' primary key: never a scan of all the text ever filed.
  auto clear_text = db.prepare(
      "DELETE FROM page_text WHERE rowid IN (SELECT text_rowid FROM page_text_rows WHERE document_id = ?1)",
      "replacing document text");
  if (!clear_text) return std::unexpected(clear_text.error());
  auto clear_rows = db.prepare("DELETE FROM page_text_rows WHERE document_id = ?1", "replacing document text");
  if (!clear_rows) return std::unexpected(clear_rows.error());
  auto text = db.prepare("INSERT INTO page_text(document_id, pdf_page, text) VALUES (?1, ?2, ?3)",
                         "indexing document text");
  if (!text) return std::unexpected(text.error());
  auto text_row = db.prepare(
      "INSERT OR REPLACE INTO page_text_rows(document_id, pdf_page, text_rowid) VALUES (?1, ?2, last_insert_rowid())",
      "indexing document text");
  if (!text_row) return std::unexpected(text_row.error());
  for (const DocumentRecord& d : batch.documents) {
    if (decided.contains(d.id)) continue;
    docs->bind(1, d.id).bind(2, document_state_name(d.state));
    if (d.patient) docs->bind(3, d.patient->mrn).bind(4, d.patient->confidence);
    else docs->bind_null(3).bind_null(4);
    if (d.doc_type) docs->bind(5, d.doc_type->label).bind(6, d.doc_type->confidence);
    else docs->bind_null(5).bind_null(6);
    docs->bind(7, document_pdf_relative(d.id).string()).bind(8, static_cast<int>(d.pages.size()));
    docs->bind(9, nlohmann::json(d.review_reasons).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)).bind(10, batch.name);
    docs->bind(11, d.evidence_json.empty() ? "{}" : d.evidence_json).bind(12, now);
    docs->bind(13, nlohmann::json(d.review_kinds).dump());
    if (auto s = docs->run(); !s) return s;
    clear_text->bind(1, d.id);
    if (auto s = clear_text->run(); !s) return s;
    clear_rows->bind(1, d.id);
    if (auto s = clear_rows->run(); !s) return s;
    for (std::size_t i = 0; i < d.pages.size(); ++i) {
      text->bind(1, d.id).bind(2, static_cast<int>(i) + 1);
      text->bind(3, batch.pages[static_cast<std::size_t>(d.pages[i])].text);
      if (auto s = text->run(); !s) return s;
      text_row->bind(1, d.id).bind(2, static_cast<int>(i) + 1);
      if (auto s = text_row->run(); !s) return s;
    }
  }

  auto pages = db.prepare(
      "INSERT INTO pages(source, idx, file_hash, state, document_id, pdf_page, orientation, skew, blank, reason, "
      "ocr_confidence) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT(file_hash, idx) DO UPDATE "
      "SET source = excluded.source, state = excluded.state, document_id = excluded.document_id, "
      "pdf_page = excluded.pdf_page, orientation = excluded.orientation, skew = excluded.skew, "
      "blank = excluded.blank, reason = excluded.reason, ocr_confidence = excluded.ocr_confidence",
      "recording pages");
  if (!pages) return std::unexpected(pages.error());
  for (std::size_t i = 0; i < batch.pages.size(); ++i) {
    const PageRecord& p = batch.pages[i];
    const Placement& at = placement[i];
    if (at.document && decided.contains(at.document->id)) continue;  // where the decision put it
    pages->bind(1, p.ref.source).bind(2, p.ref.index).bind(3, p.file_hash).bind(4, page_state_name(p.state));
    if (at.document) pages->bind(5, at.document->id).bind(6, at.pdf_page);
    else pages->bind_null(5).bind_null(6);
    pages->bind(7, p.orientation).bind(8, p.skew).bind(9, p.blank ? 1 : 0);
    pages->bind(10, p.reason.empty() ? std::nullopt : std::optional(p.reason));
    pages->bind(11, static_cast<double>(p.ocr_confidence));
    if (auto s = pages->run(); !s) return s;
  }

  std::string ids;
  std::vector<std::string> patients;
  for (const DocumentRecord& d : batch.documents) {
    if (decided.contains(d.id)) continue;
    ids += (ids.empty() ? "" : ",") + d.id;
    if (d.patient && std::ranges::find(patients, d.patient->mrn) == patients.end()) patients.push_back(d.patient->mrn);
  }
  return append_audit(db, chain, {"pipeline", "file", ids, "batch " + batch.name, "", patients});
}

}  // namespace

Status check_document_id(std::string_view id) {
  const bool ok = id.size() >= 2 && id.front() != '.' && id.find_first_not_of(
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == std::string_view::npos;
  if (ok) return {};
  return fail(ErrorCode::kInvalidArgument, "document id '" + std::string(id) +
                                               "' cannot be a file name (use 2+ of A-Z a-z 0-9 . _ -)");
}

fs::path document_pdf_relative(std::string_view id) {
  return fs::path("documents") / std::string(id.substr(0, 2)) / (std::string(id) + ".pdf");
}

Status Store::file_batch(const BatchRecord& batch, FilingTimes* times) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point started = Clock::now();
  Clock::time_point assembled = started;
  // However filing ends, the time goes to the part it was in.
  struct Timed {
    FilingTimes* times;
    const Clock::time_point& started;
    const Clock::time_point& assembled;
    ~Timed() {
      if (times == nullptr) return;
      const Clock::time_point now = Clock::now();
      const Clock::time_point split = assembled == started ? now : assembled;
      times->assemble_seconds += std::chrono::duration<double>(split - started).count();
      times->commit_seconds += std::chrono::duration<double>(now - split).count();
    }
  } timed{times, started, assembled};
  auto placement = place_pages(batch);
  if (!placement) return std::unexpected(placement.error());
  const fs::path& root = impl_->root;
  auto decided = decided_documents(impl_->db, batch);
  if (!decided) return std::unexpected(decided.error());

  // (1) Every document to a temp file first: one bad page commits nothing.
  std::vector<std::pair<fs::path, fs::path>> ready;  // temp, final
  auto discard = [&ready] {
    std::error_code ec;
    for (const auto& r : ready) fs::remove(r.first, ec);
  };
  for (const DocumentRecord& d : batch.documents) {
    if (decided->contains(d.id)) continue;
    std::vector<PdfPageInput> inputs;
    for (int p : d.pages) {
      const PageRecord& page = batch.pages[static_cast<std::size_t>(p)];
      inputs.push_back({page.page_pdf, page_label(page) + " (document " + d.id + ")"});
    }
    const fs::path final_path = root / document_pdf_relative(d.id);
    std::error_code ec;
    fs::create_directories(final_path.parent_path(), ec);
    fs::permissions(final_path.parent_path(), fs::perms::owner_all, fs::perm_options::replace, ec);
    if (ec) {
      discard();
      return fail(ErrorCode::kIo, "cannot create " + final_path.parent_path().string() + ": " + ec.message());
    }
    const fs::path temp = unique_temp_path(final_path);
    if (auto s = assemble_pdf(inputs, temp); !s) {
      discard();
      return s;
    }
    ready.emplace_back(temp, final_path);
  }
  assembled = Clock::now();
  // (2) Into place (fsync, rename, fsync folder). Ids are deterministic, so a
  // PDF left by a crashed run is simply overwritten.
  for (std::size_t i = 0; i < ready.size(); ++i) {
    if (auto s = commit_file_atomic(ready[i].first, ready[i].second); !s) {
      ready.erase(ready.begin(), ready.begin() + static_cast<std::ptrdiff_t>(i));
      discard();
      return s;
    }
  }
  // (3) Quarantined inputs kept before their rows say so: whole files, and
  // files with a quarantined page (cut short or damaged inside one page),
  // whose lost page exists nowhere but in that file.
  std::set<std::string> with_quarantined_page;
  for (const PageRecord& p : batch.pages) {
    if (p.state == PageState::kQuarantined) with_quarantined_page.insert(p.file_hash);
  }
  for (const FileRecord& f : batch.files) {
    if (!f.quarantined && !with_quarantined_page.contains(f.hash)) continue;
    // The copy is a convenience for whoever clears the quarantine: the original
    // stays where it was. A failure here must not keep the batch's pages from
    // being recorded, or they would be lost from the reconciliation.
    (void)keep_quarantined(root, f);
  }
  // (4) The rows, all or nothing.
  auto tx = Transaction::begin(impl_->db, "filing batch " + batch.name);
  if (!tx) return std::unexpected(tx.error());
  // Decided again under the lock: a decision taken while the PDFs were written wins.
  auto decided_now = decided_documents(impl_->db, batch);
  if (!decided_now) return std::unexpected(decided_now.error());
  if (*decided_now != *decided) {
    return fail(ErrorCode::kConflict, "a document of batch " + batch.name +
                                          " was decided by a person while it was being filed; run ingest again");
  }
  if (auto s = record_batch(impl_->db, impl_->audit, batch, *placement, *decided); !s) {
    return fail(s.error().code, s.error().message + " (filing batch " + batch.name + "; nothing was recorded)");
  }
  if (auto s = record_page_work(impl_->db, root, batch.pages, batch.name); !s) return s;
  return commit_audited(*tx, impl_->db, impl_->audit);
}

}  // namespace chartroom::indexer
