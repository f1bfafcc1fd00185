// The workers' step of an ingest run: each page cleaned, read and committed.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "app/ingest_internal.h"
#include "app/ocr_crashes.h"
#include "app/second_reading.h"

namespace chartroom::app {

namespace fs = std::filesystem;

namespace {

std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%g s", seconds);
  return text;
}

// A line's words joined by single spaces: how a line of PageText::text and
// the words read on it compare.
std::string spaced_words(std::string_view line) {
  std::istringstream in{std::string(line)};
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(std::move(word));
  return join(words, " ");
}

// The words on the lines where an identifier is read: all that locating the
// identifiers needs (classify finds each by its words, which are on its
// line), so the rest of the page's words can go and a page stays small. Identifiers number
// the lines of the text, words the lines Tesseract found (the text has blank
// lines between paragraphs), so the two are matched by what they say.
std::vector<Word> identifier_line_words(const PageText& text, const classify::IdentifierOptions& options) {
  std::vector<std::string> lines;
  std::istringstream in(text.text);
  for (std::string line; std::getline(in, line);) lines.push_back(std::move(line));
  std::set<std::string> wanted;
  for (const classify::Identifier& id : classify::find_identifiers(text, 0, options)) {
    if (id.line >= 0 && id.line < static_cast<int>(lines.size())) {
      wanted.insert(spaced_words(lines[static_cast<std::size_t>(id.line)]));
    }
  }
  std::vector<Word> kept;
  if (wanted.empty()) return kept;
  std::map<int, std::vector<std::string>> said;  // each word line's words
  for (const Word& word : text.words) said[word.line].push_back(word.text);
  std::set<int> keep;
  for (const auto& [line, words] : said) {
    if (wanted.contains(join(words, " "))) keep.insert(line);
  }
  for (const Word& word : text.words) {
    if (keep.contains(word.line)) kept.push_back(word);
  }
  return kept;
}

// Adds one note to a page's list of notes, "; " between them.
void append_note(std::string& notes, std::string_view note) {
  if (!notes.empty()) notes += "; ";
  notes += note;
}

// The page's reason: its quality problems first ("rescan: blurred, ..."), then
// the notes capture made; `needs_rescan` when there is a problem.
void set_rescan(indexer::PageRecord& page, const std::vector<std::string>& problems, const std::string& notes) {
  page.needs_rescan = !problems.empty();
  page.reason = problems.empty() ? notes : "rescan: " + join(problems, ", ") + (notes.empty() ? "" : "; " + notes);
}

// A page's OCR time, for the percentile, counted once its readings are over.
struct PageOcrTime {
  StageClock& clock;
  StageClock::Clock::duration elapsed{};
  explicit PageOcrTime(StageClock& c) : clock(c) {}
  PageOcrTime(const PageOcrTime&) = delete;
  PageOcrTime& operator=(const PageOcrTime&) = delete;
  ~PageOcrTime() { clock.add_page(Stage::kOcr, elapsed); }
};

}  // namespace

namespace detail {

void Ingest::work() {
  auto engine = pool_.lease();
  StageClock::mark_worker_thread(true);
  while (true) {
    StageClock::Span waiting(clock_, Stage::kWaitPages);
    auto task = queue_.pop();
    waiting.stop();
    if (!task) break;
    clock_.count_page();
    BatchState& batch = *task->batch;
    indexer::PageRecord result;
    {
      std::lock_guard lock(batch.mutex);
      result = batch.pages[task->slot];
    }
    PageText text;
    try {
      if (auto s = process_page(*engine, batch, task->image, result, text); !s) fail_batch(batch, s.error());
    } catch (const std::exception& e) {  // e.g. out of memory on a huge page: lose the page, not the run
      result.state = PageState::kQuarantined;
      result.reason = page_label(result.ref) + ": could not be processed (" + e.what() + ")";
      text = {};  // a quarantined page is not classified: keep nothing of it
    }
    bool ready = false;
    {
      std::lock_guard lock(batch.mutex);
      batch.pages[task->slot] = std::move(result);
      batch.texts[task->slot] = std::move(text);
      --batch.pending;
      ready = batch.sealed && batch.pending == 0 && !batch.finalized;
      if (ready) batch.finalized = true;
    }
    page_done();
    if (ready) finalize_guarded(batch);
  }
}

capture::CleanOptions Ingest::debug_options(const PageRef& ref) const {
  capture::CleanOptions options = options_.clean;
  if (options.debug_dir.empty()) return options;
  std::string name = fs::path(ref.source).filename().string() + "-p" + std::to_string(ref.index + 1);
  for (char& c : name) {
    if (c == '/' || c == '\\' || static_cast<unsigned char>(c) < 32) c = '_';
  }
  options.debug_name = name;
  return options;
}

Status Ingest::process_page(ocr::Engine& engine, BatchState& batch, const Image& scan,
                            indexer::PageRecord& page, PageText& text) {
  StageClock::Span cleaning(clock_, Stage::kClean);
  auto clean = capture::clean_page(scan, debug_options(page.ref));
  clock_.add_page(Stage::kClean, cleaning.stop());
  if (!clean) {
    page.state = PageState::kQuarantined;
    page.reason = page_label(page.ref) + ": " + clean.error().message;
    return {};
  }
  page.orientation = clean->orientation.degrees;
  page.skew = clean->skew.degrees;
  // A page with a little ink that could be words is read before it is
  // dropped; until then it is not blank (a rerun reads it again).
  const bool read_first = clean->blank.blank && clean->blank.read_before_dropping;
  page.blank = clean->blank.blank && !read_first;
  std::string warnings;
  for (const std::string& warning : clean->warnings) append_note(warnings, warning);
  std::vector<std::string> problems = page.blank ? std::vector<std::string>{} : clean->quality.problems;
  set_rescan(page, problems, warnings);
  page.state = PageState::kCleaned;
  if (auto s = save(page, batch); !s) return s;
  if (page.blank) {
    page.state = PageState::kDroppedBlank;
    return {};
  }
  // Counted before OCR starts. A page that earlier runs died on inside OCR (a
  // crash or a hang inside Tesseract, then a restart; app/ocr_crashes.h) is
  // given up after the limit, so one bad page cannot stop the service again
  // and again. A run ended by kill -9 or a power cut is not held against it.
  // From here the page is "in OCR": a fatal signal names it in the crash ledger.
  const CrashLedger::Reading reading(page.file_hash, page.ref.index);
  Result<indexer::OcrAttempts> attempts =
      with_store([&] { return store_.start_ocr_attempt(page.file_hash, page.ref.index); });
  if (!attempts) return std::unexpected(attempts.error());
  if (attempts->crashed >= options_.ocr_attempts_per_page) {
    page.state = PageState::kQuarantined;
    page.reason = page_label(page.ref) + ": chartroom died " + std::to_string(attempts->crashed) +
                  " times while reading this page (a crash or hang inside OCR), so it is not read again; the "
                  "page is kept in its original file: look at it, rescan it if it is damaged, and ingest the "
                  "rescan";
    return {};
  }
  const fs::path pdf = store_.page_pdf_path(page.file_hash, page.ref.index);
  std::error_code ec;
  fs::create_directories(pdf.parent_path(), ec);
  for (const fs::path& dir : {pdf.parent_path().parent_path(), pdf.parent_path()}) {
    if (!ec) fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);  // patient data: 0700
  }
  if (ec) {
    return fail(ErrorCode::kIo, "cannot create the work folder " + pdf.parent_path().string() + " (" +
                                    ec.message() + "); free disk space or fix permissions, then run again");
  }
  PageOcrTime ocr_time{clock_};  // both readings of the page, however it ends
  StageClock::Span reading_span(clock_, Stage::kOcr);
  auto read = engine.read(clean->image, {pdf, batch.name}, page_label(page.ref));
  ocr_time.elapsed += reading_span.stop();
  if (!read) {
    if (is_environment_failure(read.error())) return std::unexpected(read.error());
    page.state = PageState::kQuarantined;
    page.reason = read.error().message;
    return {};
  }
  {
    StageClock::Span commit(clock_, Stage::kCommit);
    if (auto s = sync_file(pdf); !s) return s;
  }
  const capture::NearBlank near_blank =
      read_first ? capture::judge_near_blank(clean->blank, *read, options_.clean.blank) : capture::NearBlank::kKeep;
  if (near_blank == capture::NearBlank::kDrop) {
    page.blank = true;
    page.state = PageState::kDroppedBlank;
    page.reason = "blank: " + std::to_string(std::max(clean->blank.letter_marks, clean->blank.very_faint_marks)) +
                  " faint or small mark(s), on which OCR found no word";
    fs::remove(pdf, ec);
    return {};
  }
  if (near_blank == capture::NearBlank::kKeep && read_first) {
    append_note(warnings, "little ink, but OCR found words on it: kept");
  }
  std::optional<std::string> orientation_unsure;
  if (clean->orientation.confidence < options_.clean.orientation.min_confidence) {
    StageClock::Span second_reading(clock_, Stage::kOcr);
    auto settled = settle_orientation(engine, *clean, *read, pdf, {pdf, batch.name}, page_label(page.ref),
                                      options_.clean.orientation);
    ocr_time.elapsed += second_reading.stop();
    if (!settled) return std::unexpected(settled.error());
    if (settled->read_twice) clock_.count_second_reading(StageClock::Second::kOrientation);
    orientation_unsure = std::move(settled->unsure);
    if (!settled->note.empty()) append_note(warnings, settled->note);
    page.orientation = clean->orientation.degrees;
  }
  if (!read_first && options_.reread_strokes_below_confidence > 0 &&
      wants_strokes_closed(scan, *clean, *read, options_.reread_strokes_below_confidence)) {
    StageClock::Span second_reading(clock_, Stage::kOcr);
    auto reread = reread_strokes_closed(engine, scan, debug_options(page.ref), *clean, *read, pdf,
                                        {pdf, batch.name}, page_label(page.ref));
    ocr_time.elapsed += second_reading.stop();
    if (!reread) return std::unexpected(reread.error());
    if (reread->read_again) clock_.count_second_reading(StageClock::Second::kStrokes);
    if (reread->kept) {
      clock_.count_second_reading(StageClock::Second::kStrokesKept);
      append_note(warnings, reread->note);
    }
  }
  // A page found too light that OCR read well needs no rescan for that; nor
  // does a page with almost no ink, whose paper and ink levels mean little.
  const bool read_well = read->mean_confidence >= options_.clean.quality.light_read_well_confidence;
  if (clean->quality.too_light && (read_first || read_well)) {
    std::erase_if(problems, [](const std::string& p) { return p.starts_with("too light"); });
    if (!read_first) {
      append_note(warnings, "light, but read with OCR confidence " +
                                std::to_string(static_cast<int>(read->mean_confidence)) + ": no rescan needed");
    }
  }
  // Likewise a page found soft or blurred (a 150-dpi scan, say) whose words
  // OCR read with good confidence: its text is in the record.
  const auto blurred = [](const std::string& p) { return p.starts_with("blurred"); };
  if (read_well && std::ranges::any_of(problems, blurred)) {
    std::erase_if(problems, blurred);
    append_note(warnings, "soft, but read with OCR confidence " +
                              std::to_string(static_cast<int>(read->mean_confidence)) + ": no rescan needed");
  }
  set_rescan(page, problems, warnings);
  text = std::move(*read);
  if (orientation_unsure) {  // filed only once a person has seen which way up it is
    page.needs_rescan = true;
    append_note(page.reason, *orientation_unsure);
  }
  if (near_blank == capture::NearBlank::kLook) {  // kept, never dropped on a guess
    page.needs_rescan = true;
    append_note(page.reason, std::to_string(clean->blank.letter_marks) +
                                 " marks like letters that OCR could not read; check whether the page is blank");
  }
  if (text.ocr_stopped) {  // the page is kept, image whole, and its document goes to review
    page.needs_rescan = true;
    append_note(page.reason, "OCR was stopped at the limit of " + seconds_text(options_.ocr.max_seconds_per_page) +
                                 " per page, so its text is incomplete; check the page by eye (a cleaner scan reads "
                                 "faster), or raise [limits] ocr_seconds_per_page");
  }
  text.barcodes = std::move(clean->barcodes);  // classify reads them beside the words
  page.text = text.text;
  page.barcodes = text.barcodes;
  {
    StageClock::Span classifying(clock_, Stage::kClassify);
    text.words = identifier_line_words(text, options_.match.identifiers);
  }
  page.words = text.words;
  page.image_width = text.image_width;
  page.image_height = text.image_height;
  page.ocr_confidence = text.mean_confidence;
  page.page_pdf = pdf;
  page.state = PageState::kRead;
  return save(page, batch);
}

}  // namespace detail

}  // namespace chartroom::app
