#include "scanners/scanners.h"

#include <algorithm>
#include <system_error>

namespace chartroom::scanners {

namespace fs = std::filesystem;

bool natural_less(std::string_view a, std::string_view b) {
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() && j < b.size()) {
    if (is_digit(a[i]) && is_digit(b[j])) {
      std::size_t i_end = i;
      std::size_t j_end = j;
      while (i_end < a.size() && is_digit(a[i_end])) ++i_end;
      while (j_end < b.size() && is_digit(b[j_end])) ++j_end;
      // Compare by value without overflow: skip leading zeros, then length, then digits.
      std::size_t i_nz = i;
      std::size_t j_nz = j;
      while (i_nz + 1 < i_end && a[i_nz] == '0') ++i_nz;
      while (j_nz + 1 < j_end && b[j_nz] == '0') ++j_nz;
      const std::string_view da = a.substr(i_nz, i_end - i_nz);
      const std::string_view db = b.substr(j_nz, j_end - j_nz);
      if (da.size() != db.size()) return da.size() < db.size();
      if (da != db) return da < db;
      i = i_end;
      j = j_end;
      continue;
    }
    const char ca = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    const char cb = b[j] >= 'A' && b[j] <= 'Z' ? static_cast<char>(b[j] - 'A' + 'a') : b[j];
    if (ca != cb) return ca < cb;
    ++i;
    ++j;
  }
  if ((a.size() - i) != (b.size() - j)) return (a.size() - i) < (b.size() - j);
  return a < b;  // stable tie-break on exact bytes
}

namespace {

bool is_hidden(const fs::path& path) {
  const std::string name = path.filename().string();
  return !name.empty() && name.front() == '.';
}

void walk_folder(const fs::path& folder, const std::string& source_prefix, const std::string& batch_name,
                 const CollectOptions& options, Collection& out) {
  std::vector<fs::directory_entry> entries;
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    entries.push_back(*it);
  }
  if (ec) {
    // Files we cannot list would vanish without a trace: say so.
    out.rejected.push_back({{folder, source_prefix},
                            "folder cannot be read completely (" + ec.message() +
                                "); fix its permissions and ingest it again"});
  }
  std::ranges::sort(entries, [](const fs::directory_entry& x, const fs::directory_entry& y) {
    return natural_less(x.path().filename().string(), y.path().filename().string());
  });

  Batch images{batch_name, {}};
  std::vector<std::pair<fs::path, std::string>> subfolders;
  for (const fs::directory_entry& entry : entries) {
    const std::string name = entry.path().filename().string();
    InputFile file{entry.path(), source_prefix + "/" + name};
    if (is_hidden(entry.path())) {
      out.ignored.push_back(std::move(file));
      continue;
    }
    std::error_code status_ec;
    if (entry.is_symlink(status_ec)) {
      out.rejected.push_back({std::move(file),
                              "is a symbolic link; chartroom does not follow links inside a folder it is "
                              "given (copy the file itself into the folder)"});
      continue;
    }
    if (entry.is_directory(status_ec)) {
      if (options.recursive) subfolders.emplace_back(entry.path(), file.source);
      continue;
    }
    if (!entry.is_regular_file(status_ec)) {
      out.rejected.push_back({std::move(file), "is not a regular file (a device, socket or pipe)"});
      continue;
    }
    auto head = read_head(entry.path(), 16);
    const FileFormat format = head ? sniff_format(*head) : FileFormat::kUnknown;
    bool joins_image_batch = format == FileFormat::kPng || format == FileFormat::kJpeg;
    if (format == FileFormat::kTiff || format == FileFormat::kPdf) {
      const int pages = options.page_count ? options.page_count(entry.path()) : 0;
      joins_image_batch = pages == 1;
    }
    if (joins_image_batch) {
      images.files.push_back(std::move(file));
    } else {
      // A multi-page TIFF or PDF, or something decoding will quarantine with its reason.
      out.batches.push_back({file.source, {std::move(file)}});
    }
  }
  if (!images.files.empty()) out.batches.push_back(std::move(images));
  for (const auto& [path, source] : subfolders) {
    walk_folder(path, source, source, options, out);
  }
}

std::string without_trailing_slashes(std::string text) {
  while (text.size() > 1 && text.back() == '/') text.pop_back();
  return text;
}

}  // namespace

Result<Collection> collect_batches(const std::vector<fs::path>& inputs, const CollectOptions& options) {
  Collection out;
  for (const fs::path& input : inputs) {
    const std::string given = without_trailing_slashes(input.string());
    std::error_code ec;
    const fs::file_status status = fs::status(input, ec);
    if (ec || !fs::exists(status)) {
      return fail(ErrorCode::kNotFound, given + ": no such file or folder; check the path");
    }
    if (fs::is_directory(status)) {
      walk_folder(input, given, given, options, out);
    } else if (!fs::is_regular_file(status)) {
      // Reading a pipe or a device would block or never end.
      out.rejected.push_back({{input, given}, "is not a regular file (a device, socket or pipe)"});
    } else {
      out.batches.push_back({input.filename().string(), {{input, given}}});
    }
  }
  return out;
}

}  // namespace chartroom::scanners
