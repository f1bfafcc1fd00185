// Who is logged in to the review station: sessions (a random token in an
// HttpOnly cookie, a CSRF token, an idle timeout) and the limit on failed
// logins. Held in memory only: a restart logs everyone out.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "indexer/indexer.h"

namespace chartroom::review {

struct Session {
  std::string user;
  indexer::Role role = indexer::Role::kOperator;
  std::string csrf;  // sent back with every state-changing request
  std::chrono::steady_clock::time_point last_seen;
};

class Sessions {
 public:
  using Clock = std::chrono::steady_clock;
  explicit Sessions(std::chrono::seconds idle_timeout) : idle_timeout_(idle_timeout) {}

  // A new session; returns its token (64 hex characters from libsodium's CSPRNG).
  std::string open(const std::string& user, indexer::Role role);
  // The session of `token` if it exists and has not been idle too long (and
  // marks it seen); nullopt otherwise. An idle session is closed.
  std::optional<Session> touch(const std::string& token);
  void close(const std::string& token);
  // Every session of a user (after the user is disabled).
  void close_user(const std::string& user);

 private:
  std::chrono::seconds idle_timeout_;
  std::mutex mutex_;
  std::map<std::string, Session> by_token_;
};

// Failed logins per user name and per client address: after `max_failures`
// within `window`, further attempts are refused until the window has passed.
class LoginLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  LoginLimiter(int max_failures, std::chrono::seconds window) : max_failures_(max_failures), window_(window) {}

  // Seconds until `key` may try again (0: now).
  int wait_seconds(const std::string& key);
  void failed(const std::string& key);
  void succeeded(const std::string& key);

 private:
  struct Failures {
    int count = 0;
    Clock::time_point first;
  };
  int max_failures_;
  std::chrono::seconds window_;
  std::mutex mutex_;
  std::map<std::string, Failures> failures_;
};

// True when the two strings are equal, in time that does not depend on where they differ.
bool same_secret(const std::string& a, const std::string& b);

}  // namespace chartroom::review
