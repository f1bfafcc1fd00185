#include "review/sessions.h"

#include <sodium.h>

#include <array>

namespace chartroom::review {

namespace {

std::string random_token() {
  std::array<unsigned char, 32> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  std::array<char, 65> hex{};
  sodium_bin2hex(hex.data(), hex.size(), bytes.data(), bytes.size());
  return std::string(hex.data(), 64);
}

}  // namespace

std::string Sessions::open(const std::string& user, indexer::Role role) {
  std::string token = random_token();
  std::lock_guard lock(mutex_);
  by_token_[token] = Session{user, role, random_token(), Clock::now()};
  return token;
}

std::optional<Session> Sessions::touch(const std::string& token) {
  std::lock_guard lock(mutex_);
  auto it = by_token_.find(token);
  if (it == by_token_.end()) return std::nullopt;
  const auto now = Clock::now();
  if (now - it->second.last_seen > idle_timeout_) {
    by_token_.erase(it);
    return std::nullopt;
  }
  it->second.last_seen = now;
  return it->second;
}

void Sessions::close(const std::string& token) {
  std::lock_guard lock(mutex_);
  by_token_.erase(token);
}

void Sessions::close_user(const std::string& user) {
  std::lock_guard lock(mutex_);
  std::erase_if(by_token_, [&user](const auto& entry) { return entry.second.user == user; });
}

int LoginLimiter::wait_seconds(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto it = failures_.find(key);
  if (it == failures_.end()) return 0;
  const auto elapsed = Clock::now() - it->second.first;
  if (elapsed > window_) {
    failures_.erase(it);
    return 0;
  }
  if (it->second.count < max_failures_) return 0;
  return static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(window_ - elapsed).count()) + 1;
}

void LoginLimiter::failed(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto& f = failures_[key];
  if (f.count == 0 || Clock::now() - f.first > window_) f = {0, Clock::now()};
  ++f.count;
}

void LoginLimiter::succeeded(const std::string& key) {
  std::lock_guard lock(mutex_);
  failures_.erase(key);
}

bool same_secret(const std::string& a, const std::string& b) {
  return a.size() == b.size() && !a.empty() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace chartroom::review
