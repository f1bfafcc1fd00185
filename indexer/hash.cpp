// Content addressing and the audit chain both use SHA-256 from libsodium.
#include <sodium.h>

#include <array>

#include "indexer/store_impl.h"

namespace chartroom::indexer {
std::string to_hex(std::span<const unsigned char> bytes) {
  std::string hex(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes.data(), bytes.size());
  hex.pop_back();  // sodium writes a terminating NUL
  return hex;
}

Status sodium_ready() {
  // sodium_init is idempotent and thread-safe; -1 means no entropy source.
  if (sodium_init() < 0) return fail(ErrorCode::kInternal, "libsodium could not initialise");
  return {};
}

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return to_hex(digest);
}

std::string hash_text(std::string_view text) {
  (void)sodium_ready();  // crypto_hash_sha256 needs no entropy; init only sets up CPU dispatch
  return sha256_hex(text);
}

Result<std::string> content_hash(const std::filesystem::path& path) {
  auto file = OpenedFile::open(path, path.string());
  if (!file) return std::unexpected(file.error());
  return content_hash(*file);
}

Result<std::string> content_hash(const OpenedFile& file) {
  if (auto s = sodium_ready(); !s) return std::unexpected(s.error());
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  constexpr std::size_t kChunk = 1 << 20;  // 1 MiB: large reads, bounded memory
  for (std::uint64_t at = 0;; at += kChunk) {
    auto chunk = file.read_at(at, kChunk);
    if (!chunk) return std::unexpected(chunk.error());
    if (!chunk->empty()) crypto_hash_sha256_update(&state, chunk->data(), chunk->size());
    if (chunk->size() < kChunk) break;
  }
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256_final(&state, digest.data());
  return to_hex(digest);
}

}  // namespace chartroom::indexer
