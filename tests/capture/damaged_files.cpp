#include "tests/capture/damaged_files.h"

#include <tiffio.h>

#include <cstring>
#include <stdexcept>

namespace chartroom::capture::test {
namespace {

std::uint32_t get32(const std::vector<std::uint8_t>& b, std::size_t at) {
  if (at + 4 > b.size()) throw std::runtime_error("TIFF offset past the end");
  return std::uint32_t{b[at]} | std::uint32_t{b[at + 1]} << 8 | std::uint32_t{b[at + 2]} << 16 |
         std::uint32_t{b[at + 3]} << 24;
}
std::uint16_t get16(const std::vector<std::uint8_t>& b, std::size_t at) {
  if (at + 2 > b.size()) throw std::runtime_error("TIFF offset past the end");
  return static_cast<std::uint16_t>(b[at] | b[at + 1] << 8);
}
void put32(std::vector<std::uint8_t>& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (8 * i));
}
void add32(std::vector<std::uint8_t>& b, std::uint32_t v) {
  b.resize(b.size() + 4);
  put32(b, b.size() - 4, v);
}
void add16(std::vector<std::uint8_t>& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v));
  b.push_back(static_cast<std::uint8_t>(v >> 8));
}

std::size_t type_size(std::uint16_t type) {
  switch (type) {
    case 3: case 8: return 2;
    case 4: case 9: case 11: return 4;
    case 5: case 10: case 12: return 8;
    default: return 1;
  }
}

struct Entry {
  std::uint16_t tag = 0, type = 0;
  std::uint32_t count = 0;
  std::vector<std::uint8_t> value;  // count * type_size bytes
};

std::uint32_t value_at(const Entry& e, std::size_t i) {
  if (type_size(e.type) == 2) return static_cast<std::uint32_t>(e.value[2 * i] | e.value[2 * i + 1] << 8);
  return get32(e.value, 4 * i);
}

// The entries of the IFD at `at`, and the offset of the next one.
std::vector<Entry> read_ifd(const std::vector<std::uint8_t>& b, std::uint32_t at, std::uint32_t& next) {
  std::vector<Entry> entries(get16(b, at));
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::size_t e = at + 2 + 12 * i;
    Entry& entry = entries[i];
    entry.tag = get16(b, e);
    entry.type = get16(b, e + 2);
    entry.count = get32(b, e + 4);
    const std::size_t size = entry.count * type_size(entry.type);
    const std::size_t from = size <= 4 ? e + 8 : get32(b, e + 8);
    if (from + size > b.size()) throw std::runtime_error("TIFF value past the end");
    entry.value.assign(b.begin() + static_cast<std::ptrdiff_t>(from),
                       b.begin() + static_cast<std::ptrdiff_t>(from + size));
  }
  next = get32(b, at + 2 + 12 * entries.size());
  return entries;
}

Entry* find(std::vector<Entry>& entries, std::uint16_t tag) {
  for (Entry& e : entries) {
    if (e.tag == tag) return &e;
  }
  return nullptr;
}

}  // namespace

std::vector<std::uint8_t> ifd_first(const std::vector<std::uint8_t>& tiff, std::vector<PageBytes>* pages) {
  if (tiff.size() < 8 || tiff[0] != 'I' || get16(tiff, 2) != 42) throw std::runtime_error("not a classic LE TIFF");
  std::vector<std::uint8_t> out(tiff.begin(), tiff.begin() + 8);
  std::size_t link = 4;  // where the offset of the next IFD goes
  std::uint32_t at = get32(tiff, 4);
  while (at != 0) {
    std::uint32_t next = 0;
    std::vector<Entry> entries = read_ifd(tiff, at, next);
    Entry* offsets = find(entries, TIFFTAG_STRIPOFFSETS);
    Entry* counts = find(entries, TIFFTAG_STRIPBYTECOUNTS);
    if (offsets == nullptr || counts == nullptr || offsets->count != counts->count) {
      throw std::runtime_error("TIFF without strips");
    }
    const std::size_t ifd_at = out.size();
    put32(out, link, static_cast<std::uint32_t>(ifd_at));
    const std::size_t ifd_size = 2 + 12 * entries.size() + 4;
    std::size_t values_size = 0;
    for (const Entry& e : entries) values_size += e.value.size() > 4 ? (e.value.size() + 1) / 2 * 2 : 0;
    // Strip data right after the IFD and its values, in order.
    PageBytes page;
    page.ifd = ifd_at;
    page.data_begin = ifd_at + ifd_size + values_size;
    std::vector<std::uint8_t> data;
    for (std::size_t s = 0; s < offsets->count; ++s) {
      const std::uint32_t from = value_at(*offsets, s);
      const std::uint32_t size = value_at(*counts, s);
      const auto new_offset = static_cast<std::uint32_t>(page.data_begin + data.size());
      if (type_size(offsets->type) == 2) throw std::runtime_error("SHORT strip offsets");
      put32(offsets->value, 4 * s, new_offset);
      data.insert(data.end(), tiff.begin() + from, tiff.begin() + from + size);
    }
    page.data_end = page.data_begin + data.size();
    add16(out, static_cast<std::uint16_t>(entries.size()));
    std::size_t value_at_offset = ifd_at + ifd_size;
    std::vector<std::uint8_t> values;
    for (const Entry& e : entries) {
      add16(out, e.tag);
      add16(out, e.type);
      add32(out, e.count);
      if (e.value.size() <= 4) {
        std::uint8_t inline_value[4] = {};
        std::memcpy(inline_value, e.value.data(), e.value.size());
        out.insert(out.end(), inline_value, inline_value + 4);
      } else {
        add32(out, static_cast<std::uint32_t>(value_at_offset + values.size()));
        values.insert(values.end(), e.value.begin(), e.value.end());
        if (values.size() % 2 != 0) values.push_back(0);
      }
    }
    link = out.size();
    add32(out, 0);
    out.insert(out.end(), values.begin(), values.end());
    out.insert(out.end(), data.begin(), data.end());
    if (pages != nullptr) pages->push_back(page);
    at = next;
  }
  return out;
}

std::vector<PageBytes> page_bytes(const std::vector<std::uint8_t>& tiff) {
  std::vector<PageBytes> pages;
  std::uint32_t at = get32(tiff, 4);
  while (at != 0) {
    std::uint32_t next = 0;
    std::vector<Entry> entries = read_ifd(tiff, at, next);
    const Entry* offsets = find(entries, TIFFTAG_STRIPOFFSETS);
    const Entry* counts = find(entries, TIFFTAG_STRIPBYTECOUNTS);
    if (offsets == nullptr || counts == nullptr) throw std::runtime_error("TIFF without strips");
    PageBytes page;
    page.ifd = at;
    page.data_begin = value_at(*offsets, 0);
    const std::size_t last = offsets->count - 1;
    page.data_end = value_at(*offsets, last) + value_at(*counts, last);
    pages.push_back(page);
    at = next;
  }
  return pages;
}

}  // namespace chartroom::capture::test
