// Second readings of a page: orientation settled by OCR, broken strokes closed.
#include "app/second_reading.h"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

namespace chartroom::app::detail {

namespace fs = std::filesystem;

namespace {

// Where a second reading's PDF goes: "<hash>-3.turned.pdf" beside
// "<hash>-3.pdf" (the engine writes only to names ending in .pdf).
fs::path beside(const fs::path& pdf, const char* what) {
  return pdf.parent_path() / (pdf.stem().string() + "." + what + ".pdf");
}

// A page read as found above OrientationOptions::upright_ocr_confidence is
// taken as upright only with this many confident words: a high mean over a
// few words says little.
constexpr int kUprightWords = 10;

// Moves the second reading's PDF over the first one, durably (core's
// fsync, rename, fsync of the folder), saying what to do when it cannot.
Status replace_pdf(const fs::path& second, const fs::path& pdf) {
  if (auto s = commit_file_atomic(second, pdf); !s) {
    return fail(ErrorCode::kIo, s.error().message + "; free disk space or fix permissions, then run again");
  }
  return {};
}

}  // namespace

bool is_environment_failure(const Error& error) {
  return error.code == ErrorCode::kIo || error.code == ErrorCode::kDatabase ||
         (error.code == ErrorCode::kOcr && error.message.find("could not write") != std::string::npos);
}

Status sync_file(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    const int err = errno;
    if (fd >= 0) ::close(fd);
    return fail(ErrorCode::kIo, "cannot write " + path.string() + " (" + std::strerror(err) +
                                    "); free disk space or fix permissions, then run again");
  }
  ::close(fd);
  return {};
}

Result<Settled> settle_orientation(ocr::Engine& engine, capture::CleanPage& clean, PageText& read,
                                   const fs::path& pdf, ocr::ReadOptions read_options,
                                   const std::string& label, const capture::OrientationOptions& options) {
  const int words_as_found = confident_words(read);
  if (read.mean_confidence >= options.upright_ocr_confidence && words_as_found >= kUprightWords) {
    return Settled{"orientation confirmed by OCR (confidence " +
                       std::to_string(static_cast<int>(read.mean_confidence)) + " as found)",
                   std::nullopt, false};
  }
  capture::CleanPage turned = clean;
  capture::turn_clean_page(turned, 180);
  const fs::path turned_pdf = beside(pdf, "turned");
  read_options.pdf_path = turned_pdf;
  auto other = engine.read(turned.image, read_options, label);
  if (!other && is_environment_failure(other.error())) return std::unexpected(other.error());
  const double as_found = read.mean_confidence;
  const double half_turn = other ? other->mean_confidence : 0.0;
  const int words_turned = other ? confident_words(*other) : 0;
  const std::string both = "OCR confidence " + std::to_string(static_cast<int>(as_found)) + " as found (" +
                           std::to_string(words_as_found) + " confident words), " +
                           std::to_string(static_cast<int>(half_turn)) + " turned half a turn (" +
                           std::to_string(words_turned) + ")";
  std::error_code ec;
  capture::OcrOrientation verdict = capture::judge_by_ocr(as_found, half_turn, options);
  // A mean over a handful of words is no evidence (a faint upright page read
  // turned gave 95 over a few "words", against 77 over its text): the winner
  // must also have more words a reader would trust.
  if (verdict == capture::OcrOrientation::kHalfTurn && words_turned <= words_as_found) {
    verdict = capture::OcrOrientation::kUnsure;
  }
  if (verdict == capture::OcrOrientation::kAsFound && words_as_found < words_turned) {
    verdict = capture::OcrOrientation::kUnsure;
  }
  if (verdict == capture::OcrOrientation::kHalfTurn) {
    if (auto s = replace_pdf(turned_pdf, pdf); !s) return std::unexpected(s.error());
    clean = std::move(turned);
    read = std::move(*other);
    return Settled{"turned half a turn by OCR (" + both + ")", std::nullopt, true};
  }
  fs::remove(turned_pdf, ec);
  if (verdict == capture::OcrOrientation::kAsFound) {
    return Settled{"orientation confirmed by OCR (" + both + ")", std::nullopt, true};
  }
  return Settled{"",
                 "its orientation is not sure (" + both +
                     "); check that it is upright and turn it if not (review rotate)",
                 true};
}

int confident_words(const PageText& read) {
  int count = 0;
  for (const Word& word : read.words) {
    if (word.confidence < 60) continue;
    std::string_view text = word.text;
    if (!text.empty() && (text.back() == '.' || text.back() == ',')) text.remove_suffix(1);
    if (text.size() < 3) continue;
    bool letters = true;
    for (char c : text) letters = letters && std::isalpha(static_cast<unsigned char>(c));
    if (letters) ++count;
  }
  return count;
}

bool wants_strokes_closed(const Image& scan, const capture::CleanPage& page, const PageText& read,
                          int below_confidence) {
  return scan.format == PixelFormat::kGray1 && page.image.format == PixelFormat::kGray1 && !page.picture &&
         !read.ocr_stopped && read.mean_confidence < static_cast<float>(below_confidence);
}

Result<Reread> reread_strokes_closed(ocr::Engine& engine, const Image& scan, capture::CleanOptions options,
                                     capture::CleanPage& clean, PageText& read, const fs::path& pdf,
                                     ocr::ReadOptions read_options, const std::string& label) {
  options.close_strokes = true;
  options.debug_name += "-strokes-closed";
  auto variant = capture::clean_page(scan, options);
  if (!variant || variant->image.format != PixelFormat::kGray1) return Reread{};  // not read again
  // Turned as the first reading ended up (OCR may have settled its orientation).
  capture::turn_clean_page(*variant, clean.orientation.degrees - variant->orientation.degrees + 360);
  const fs::path closed_pdf = beside(pdf, "closed");
  read_options.pdf_path = closed_pdf;
  auto other = engine.read(variant->image, read_options, label);
  std::error_code ec;
  if (!other) {
    fs::remove(closed_pdf, ec);
    if (is_environment_failure(other.error())) return std::unexpected(other.error());
    return Reread{};  // the first reading stands; the failed one is not counted as read
  }
  const int first = confident_words(read);
  const int second = confident_words(*other);
  const std::string both = std::to_string(first) + " confident words as cleaned, " + std::to_string(second) +
                           " with the strokes closed";
  if (second < first + 20 || 2 * second < 3 * first) {
    fs::remove(closed_pdf, ec);
    return Reread{true, false, ""};
  }
  if (auto s = replace_pdf(closed_pdf, pdf); !s) return std::unexpected(s.error());
  clean.image = std::move(variant->image);
  read = std::move(*other);
  return Reread{true, true, "faint or broken letters: read again with their strokes closed (" + both + ")"};
}

}  // namespace chartroom::app::detail
