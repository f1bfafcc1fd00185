// Private to review/: what station.cpp (server, sessions, static files) and
// api.cpp (the JSON API over the queue and the decisions) share.
#pragma once

#include <httplib.h>

#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "review/sessions.h"
#include "review/station.h"

namespace chartroom::review::detail {

struct Context {
  Context(indexer::Store& s, StationOptions o)
      : store(s),
        options(std::move(o)),
        sessions(options.idle_timeout),
        limiter(options.login_failures, options.login_window) {}

  indexer::Store& store;
  std::mutex store_mutex;  // one SQLite connection: one request at a time uses it
  StationOptions options;
  Sessions sessions;
  LoginLimiter limiter;
};

// A handler that runs only for a live session (and, for POSTs, a matching
// CSRF token); the store mutex is held while it runs.
using Handler = std::function<void(Context&, const Session&, const httplib::Request&, httplib::Response&)>;

struct Route {
  const char* method;   // "GET" or "POST"
  const char* pattern;  // a regex over the path
  bool decides;         // needs the reviewer or admin role
  Handler handler;
};

// The routes of api.cpp.
std::vector<Route> api_routes();

void send_json(httplib::Response& res, int status, const nlohmann::json& body);
// {"error": message}: what went wrong in words a reviewer can act on.
void send_error(httplib::Response& res, int status, const std::string& message);
// The request body as a JSON object; an empty object when it is not one.
nlohmann::json body_json(const httplib::Request& req);
// Records an access or a decision in the audit log under the session's user;
// false (and a 500 sent) when it cannot, in which case nothing may be shown.
bool audited(Context& ctx, const Session& session, httplib::Response& res, const std::string& action,
             const std::string& object, const std::string& detail, std::vector<std::string> patients);

}  // namespace chartroom::review::detail
