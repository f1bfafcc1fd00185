// The small value types every chartroom stage speaks. Standard library only.
#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace chartroom {

// ---------------------------------------------------------------- errors

enum class ErrorCode {
  kInvalidArgument,  // a caller or a user gave something unusable
  kNotFound,         // a file, patient or document does not exist
  kUnsupported,      // a file format or feature chartroom does not handle
  kCorrupt,          // the data is damaged (truncated TIFF, bad PNG chunk)
  kTooLarge,         // over a configured limit (pixels, pages, bytes)
  kIo,               // the operating system refused a read or write
  kDatabase,         // the records store failed
  kOcr,              // the OCR engine failed
  kConflict,         // the operation contradicts the stored state
  kInternal,         // a bug: report it
};

// An error a person can act on: "page 3 of batch_0007.tif: truncated TIFF strip".
struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
};

template <typename T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

inline std::unexpected<Error> fail(ErrorCode code, std::string message) {
  return std::unexpected<Error>(Error{code, std::move(message)});
}

std::string_view error_code_name(ErrorCode code);

// ---------------------------------------------------------------- images

enum class PixelFormat {
  kGray1,  // 1 bit per pixel, packed MSB first, 1 = black (ink), 0 = white
  kGray8,  // 8 bits per pixel, 0 = black, 255 = white
  kRgb8,   // 24 bits per pixel, R G B interleaved
};

int bits_per_pixel(PixelFormat format);

// A page image with its resolution. Owns its pixels; moving it is cheap.
struct Image {
  int width = 0;
  int height = 0;
  PixelFormat format = PixelFormat::kGray8;
  int stride = 0;  // bytes per row, >= the packed row size
  int dpi_x = 0;   // 0 = unknown
  int dpi_y = 0;
  std::vector<std::uint8_t> pixels;

  // A white image of the given size; stride is the packed row size.
  static Image blank(int width, int height, PixelFormat format, int dpi);

  bool empty() const { return width <= 0 || height <= 0; }
  std::span<std::uint8_t> row(int y) {
    return {pixels.data() + static_cast<std::size_t>(y) * stride, static_cast<std::size_t>(stride)};
  }
  std::span<const std::uint8_t> row(int y) const {
    return {pixels.data() + static_cast<std::size_t>(y) * stride, static_cast<std::size_t>(stride)};
  }
};

// ---------------------------------------------------------------- files

enum class FileFormat { kUnknown, kTiff, kPng, kJpeg, kPdf };

// Recognises a file by its first bytes (not by its name).
FileFormat sniff_format(std::span<const std::uint8_t> head);
std::string_view file_format_name(FileFormat format);

// One version of a file: the same inode with the same size and modification
// time. A file rewritten in place or replaced under its name differs.
struct FileIdentity {
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  bool operator==(const FileIdentity&) const = default;
};

// An input file opened once for reading: never through a symbolic link,
// never blocking on a pipe or device, regular files only. Everything that
// reads it (the content hash, the decoder) goes through this one descriptor,
// so they see the same file even if its name is replaced meanwhile.
class OpenedFile {
 public:
  // Errors name the file by `display_name` and say what to do ("scan.tif: is
  // a symbolic link; ...", "... was moved or deleted before chartroom could
  // read it").
  static Result<OpenedFile> open(const std::filesystem::path& path, std::string display_name);

  OpenedFile(OpenedFile&& other) noexcept;
  OpenedFile& operator=(OpenedFile&& other) noexcept;
  OpenedFile(const OpenedFile&) = delete;
  OpenedFile& operator=(const OpenedFile&) = delete;
  ~OpenedFile();

  // As it was when opened.
  const FileIdentity& identity() const { return identity_; }
  std::uint64_t size() const { return identity_.size; }
  const std::string& display_name() const { return display_name_; }
  // Reads `size` bytes from offset `at`; fewer only when the file ends sooner.
  Result<std::vector<std::uint8_t>> read_at(std::uint64_t at, std::size_t size) const;
  // Hands the descriptor on; the caller closes it.
  int release();

 private:
  OpenedFile(int fd, FileIdentity identity, std::string display_name)
      : fd_(fd), identity_(identity), display_name_(std::move(display_name)) {}
  int fd_ = -1;
  FileIdentity identity_;
  std::string display_name_;
};

// Reads the first bytes of a file (for sniff_format).
Result<std::vector<std::uint8_t>> read_head(const std::filesystem::path& path, std::size_t bytes);

// Writes a file so that a crash leaves either the old content or the new one:
// temp file in the same folder, write, fsync, rename, fsync the folder.
Status write_file_atomic(const std::filesystem::path& path, std::span<const std::uint8_t> data,
                         int mode = 0600);
// A temp-file name beside `final_path` that no other writer can be using:
// "NAME.tmp-PID-RANDOM" (two writers, or a writer and a crashed run's leftover,
// never share one). temp_file_owner() reads the PID back, 0 when the name is
// not such a temp name.
std::filesystem::path unique_temp_path(const std::filesystem::path& final_path);
long temp_file_owner(const std::filesystem::path& temp);
// Makes a folder's entries (a new or renamed file in it) durable.
Status fsync_dir(const std::filesystem::path& dir);
// Moves an already-written file into place atomically (fsync file, rename, fsync folder).
Status commit_file_atomic(const std::filesystem::path& temp, const std::filesystem::path& final_path);

// ---------------------------------------------------------------- pages

struct Box {
  int x = 0;
  int y = 0;
  int width = 0;
  int height = 0;
};

// One word read on a page, in the pixel coordinates of the cleaned page image.
struct Word {
  std::string text;
  Box box;
  float confidence = 0;  // 0..100, as Tesseract reports it
  int block = 0;
  int line = 0;  // line number within the page
};

// A barcode found on a page by capture/ (separator sheets, MRN labels, cover
// sheets); classify/ reads them beside the words.
struct Barcode {
  std::string format;  // "Code39", "Code128", "QRCode", "DataMatrix", "PDF417", ...
  std::string value;
  Box box;  // in the pixel coordinates of the cleaned page
};

// What was read on one page: words by OCR, barcodes by capture.
struct PageText {
  std::vector<Word> words;
  std::vector<Barcode> barcodes;
  std::string text;  // reading-order UTF-8 text, lines separated by '\n'
  float mean_confidence = 0;
  int image_width = 0;
  int image_height = 0;
  // OCR was stopped at its time limit per page: the text (and the PDF's text
  // layer) holds only what was read by then.
  bool ocr_stopped = false;
};

// Where a page came from: the input file path as given (joined with its path
// inside a given folder) and its 0-based page within that file.
struct PageRef {
  std::string source;
  int index = 0;
};
// "scan_0007.tif, page 3": how messages name a page (1-based for people).
std::string page_label(const PageRef& ref);

enum class PageState {
  kReceived,
  kCleaned,
  kRead,
  kClassified,
  kFiled,
  kReview,
  kQuarantined,
  kDroppedBlank,
  kSeparator,
  // The document it is in was rejected by a person (not for this facility,
  // or a rescan was requested): kept, never filed, never deleted.
  kRejected,
};
std::string_view page_state_name(PageState state);
std::optional<PageState> parse_page_state(std::string_view name);
bool is_terminal(PageState state);

// kMerged: a document whose pages a person merged into another one; it holds
// no pages any more and is kept for its history (documents listings leave it out).
enum class DocumentState { kFiled, kReview, kRejected, kMerged };
std::string_view document_state_name(DocumentState state);
std::optional<DocumentState> parse_document_state(std::string_view name);

// ---------------------------------------------------------------- patients

struct Patient {
  std::string mrn;
  std::string family_name;
  std::string given_name;
  std::string middle_name;
  std::string birth_date;  // YYYY-MM-DD
  char sex = 'U';          // F M O U
};

// A decision that a document belongs to a patient, and how sure it is.
struct PatientRef {
  std::string mrn;
  double confidence = 0;  // 0..1
};

struct DocTypeRef {
  std::string label;
  double confidence = 0;  // 0..1
};

// ---------------------------------------------------------------- strings

std::string to_lower_ascii(std::string_view text);
std::string to_upper_ascii(std::string_view text);
std::string trim(std::string_view text);
// The parts with `separator` between them ("a,b,c").
std::string join(const std::vector<std::string>& parts, std::string_view separator);
// The word of `known` closest to `given` by edit distance, if it is at most
// `max_edits` away ("file_treshold" -> "file_threshold"), for "did you mean".
std::optional<std::string> nearest_word(std::string_view given, const std::vector<std::string>& known,
                                        std::size_t max_edits = 3);

}  // namespace chartroom
