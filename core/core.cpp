#include "core/core.h"

#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace chartroom {

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid argument";
    case ErrorCode::kNotFound: return "not found";
    case ErrorCode::kUnsupported: return "unsupported";
    case ErrorCode::kCorrupt: return "corrupt";
    case ErrorCode::kTooLarge: return "too large";
    case ErrorCode::kIo: return "i/o error";
    case ErrorCode::kDatabase: return "database error";
    case ErrorCode::kOcr: return "ocr error";
    case ErrorCode::kConflict: return "conflict";
    case ErrorCode::kInternal: return "internal error";
  }
  return "error";
}

int bits_per_pixel(PixelFormat format) {
  switch (format) {
    case PixelFormat::kGray1: return 1;
    case PixelFormat::kGray8: return 8;
    case PixelFormat::kRgb8: return 24;
  }
  return 8;
}

Image Image::blank(int width, int height, PixelFormat format, int dpi) {
  Image image;
  image.width = width;
  image.height = height;
  image.format = format;
  image.stride = (width * bits_per_pixel(format) + 7) / 8;
  image.dpi_x = dpi;
  image.dpi_y = dpi;
  const std::uint8_t white = format == PixelFormat::kGray1 ? 0x00 : 0xFF;
  image.pixels.assign(static_cast<std::size_t>(image.stride) * static_cast<std::size_t>(height), white);
  return image;
}

FileFormat sniff_format(std::span<const std::uint8_t> head) {
  auto starts = [&](std::initializer_list<std::uint8_t> magic) {
    return head.size() >= magic.size() && std::equal(magic.begin(), magic.end(), head.begin());
  };
  if (starts({'I', 'I', 42, 0}) || starts({'M', 'M', 0, 42}) || starts({'I', 'I', 43, 0}) ||
      starts({'M', 'M', 0, 43})) {
    return FileFormat::kTiff;
  }
  if (starts({0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'})) return FileFormat::kPng;
  if (starts({0xFF, 0xD8, 0xFF})) return FileFormat::kJpeg;
  if (starts({'%', 'P', 'D', 'F', '-'})) return FileFormat::kPdf;
  return FileFormat::kUnknown;
}

std::string_view file_format_name(FileFormat format) {
  switch (format) {
    case FileFormat::kTiff: return "TIFF";
    case FileFormat::kPng: return "PNG";
    case FileFormat::kJpeg: return "JPEG";
    case FileFormat::kPdf: return "PDF";
    case FileFormat::kUnknown: return "unknown";
  }
  return "unknown";
}

Result<std::vector<std::uint8_t>> read_head(const std::filesystem::path& path, std::size_t bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return fail(ErrorCode::kIo, path.string() + ": cannot open for reading: " + std::strerror(errno));
  }
  std::vector<std::uint8_t> head(bytes);
  in.read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(bytes));
  head.resize(static_cast<std::size_t>(in.gcount()));
  return head;
}

namespace {

std::string errno_text() { return std::strerror(errno); }

}  // namespace

Status fsync_dir(const std::filesystem::path& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return fail(ErrorCode::kIo, dir.string() + ": cannot open folder to sync: " + errno_text());
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return fail(ErrorCode::kIo, dir.string() + ": cannot sync folder: " + errno_text());
  return {};
}


Status commit_file_atomic(const std::filesystem::path& temp, const std::filesystem::path& final_path) {
  const int fd = ::open(temp.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(ErrorCode::kIo, temp.string() + ": cannot open to sync: " + errno_text());
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return fail(ErrorCode::kIo, temp.string() + ": cannot sync to disk: " + errno_text());
  if (::rename(temp.c_str(), final_path.c_str()) != 0) {
    return fail(ErrorCode::kIo, "cannot move " + temp.string() + " to " + final_path.string() + ": " +
                                    errno_text());
  }
  return fsync_dir(final_path.parent_path());
}

std::filesystem::path unique_temp_path(const std::filesystem::path& final_path) {
  std::array<std::uint8_t, 8> random{};
  if (::getrandom(random.data(), random.size(), 0) != static_cast<ssize_t>(random.size())) {
    // No entropy (a very early boot): the clock and an address still differ between writers.
    const auto now = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    std::memcpy(random.data(), &now, random.size());
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string suffix = ".tmp-" + std::to_string(::getpid()) + "-";
  for (const std::uint8_t b : random) {
    suffix += kHex[b >> 4];
    suffix += kHex[b & 15];
  }
  std::filesystem::path temp = final_path;
  temp += suffix;
  return temp;
}

long temp_file_owner(const std::filesystem::path& temp) {
  const std::string name = temp.filename().string();
  const auto at = name.rfind(".tmp-");
  if (at == std::string::npos) return 0;
  long pid = 0;
  std::size_t i = at + 5;
  for (; i < name.size() && name[i] >= '0' && name[i] <= '9'; ++i) pid = pid * 10 + (name[i] - '0');
  return i < name.size() && name[i] == '-' ? pid : 0;
}

Status write_file_atomic(const std::filesystem::path& path, std::span<const std::uint8_t> data, int mode) {
  const std::filesystem::path temp = unique_temp_path(path);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return fail(ErrorCode::kIo, temp.string() + ": cannot create: " + errno_text());
  std::size_t written = 0;
  while (written < data.size()) {
    const ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string why = errno_text();
      ::close(fd);
      ::unlink(temp.c_str());
      return fail(ErrorCode::kIo, temp.string() + ": write failed: " + why);
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const std::string why = errno_text();
    ::close(fd);
    ::unlink(temp.c_str());
    return fail(ErrorCode::kIo, temp.string() + ": cannot sync to disk: " + why);
  }
  ::close(fd);
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const std::string why = errno_text();
    ::unlink(temp.c_str());
    return fail(ErrorCode::kIo, "cannot move " + temp.string() + " to " + path.string() + ": " + why);
  }
  return fsync_dir(path.parent_path());
}

std::string_view page_state_name(PageState state) {
  switch (state) {
    case PageState::kReceived: return "received";
    case PageState::kCleaned: return "cleaned";
    case PageState::kRead: return "read";
    case PageState::kClassified: return "classified";
    case PageState::kFiled: return "filed";
    case PageState::kReview: return "review";
    case PageState::kQuarantined: return "quarantined";
    case PageState::kDroppedBlank: return "dropped_blank";
    case PageState::kSeparator: return "separator";
    case PageState::kRejected: return "rejected";
  }
  return "received";
}

std::optional<PageState> parse_page_state(std::string_view name) {
  for (PageState s : {PageState::kReceived, PageState::kCleaned, PageState::kRead, PageState::kClassified,
                      PageState::kFiled, PageState::kReview, PageState::kQuarantined,
                      PageState::kDroppedBlank, PageState::kSeparator, PageState::kRejected}) {
    if (page_state_name(s) == name) return s;
  }
  return std::nullopt;
}

bool is_terminal(PageState state) {
  return state == PageState::kFiled || state == PageState::kReview || state == PageState::kQuarantined ||
         state == PageState::kDroppedBlank || state == PageState::kSeparator || state == PageState::kRejected;
}

std::string_view document_state_name(DocumentState state) {
  switch (state) {
    case DocumentState::kFiled: return "filed";
    case DocumentState::kReview: return "review";
    case DocumentState::kRejected: return "rejected";
    case DocumentState::kMerged: return "merged";
  }
  return "review";
}

std::optional<DocumentState> parse_document_state(std::string_view name) {
  for (DocumentState s : {DocumentState::kFiled, DocumentState::kReview, DocumentState::kRejected,
                          DocumentState::kMerged}) {
    if (document_state_name(s) == name) return s;
  }
  return std::nullopt;
}

std::string to_lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string to_upper_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const std::string& part : parts) {
    if (!out.empty()) out.append(separator);
    out += part;
  }
  return out;
}

std::optional<std::string> nearest_word(std::string_view given, const std::vector<std::string>& known,
                                        std::size_t max_edits) {
  const auto distance = [](std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      std::size_t diagonal = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j) {
        const std::size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
        diagonal = up;
      }
    }
    return row[b.size()];
  };
  std::optional<std::string> best;
  std::size_t best_distance = max_edits + 1;
  for (const std::string& k : known) {
    const std::size_t d = distance(given, k);
    if (d < best_distance) {
      best_distance = d;
      best = k;
    }
  }
  return best;
}

std::string trim(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  std::size_t b = 0;
  std::size_t e = text.size();
  while (b < e && is_space(text[b])) ++b;
  while (e > b && is_space(text[e - 1])) --e;
  return std::string(text.substr(b, e - b));
}

std::string page_label(const PageRef& ref) { return ref.source + ", page " + std::to_string(ref.index + 1); }

}  // namespace chartroom
