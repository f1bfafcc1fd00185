// The review station (`chartroom review serve`): an HTTP server over the
// store's review queue and decisions. Plain HTML, CSS and a little
// JavaScript served from the binary (review/assets/), a JSON API under /api/,
// logins of the store's users, and every decision through Store::decide, the
// same operation the terminal commands use.
//
// Safe with patient data: only 127.0.0.1 unless told otherwise (and then
// only with TLS); a session cookie that is HttpOnly, SameSite=Strict and
// Secure under TLS, closed after an idle timeout; a CSRF token on every
// request that changes or searches anything (those are POSTs, so no patient
// data is ever in a URL); no patient data without a session (401), no
// decision without the reviewer or admin role (403); a Content-Security-
// Policy that allows no script from elsewhere; every view and decision in the
// audit log under the user's name.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "indexer/indexer.h"

namespace chartroom::review {

struct StationOptions {
  std::string host = "127.0.0.1";
  int port = 8750;  // 0: any free port (see Station::port)
  std::filesystem::path tls_cert;  // both, or neither
  std::filesystem::path tls_key;
  std::chrono::seconds idle_timeout{15 * 60};
  int login_failures = 5;  // per user name and per address, within login_window
  std::chrono::seconds login_window{5 * 60};
  // The document types a reviewer may choose (the built-in ones and a site
  // model's labels).
  std::vector<std::string> type_labels;
  // One line per request (method, path, status, user): never patient data.
  std::function<void(const std::string&)> log;
};

class Station {
 public:
  // Checks the options (a non-loopback address needs TLS) and binds the port.
  static Result<std::unique_ptr<Station>> create(indexer::Store& store, StationOptions options);
  ~Station();
  Station(const Station&) = delete;
  Station& operator=(const Station&) = delete;

  int port() const;
  bool tls() const;
  // Serves until stop() (from another thread or a signal handler's thread).
  Status run();
  void stop();

 private:
  Station();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// True for 127.0.0.0/8, ::1 and "localhost".
bool is_loopback(const std::string& host);

}  // namespace chartroom::review
