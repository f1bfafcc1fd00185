#include "review/station.h"

#include <arpa/inet.h>
#include <sodium.h>

#include <thread>

#include "review/assets.h"
#include "review/station_internal.h"

namespace chartroom::review {

using detail::Context;
using nlohmann::json;

namespace {

constexpr const char* kCookie = "chartroom_session";

// Nothing from elsewhere, no inline script, no framing; images only from here
// (and blob: for the rendered pages).
constexpr const char* kPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

std::string session_token(const httplib::Request& req) {
  const std::string cookies = req.get_header_value("Cookie");
  const std::string key = std::string(kCookie) + "=";
  for (std::size_t at = 0; at < cookies.size();) {
    while (at < cookies.size() && (cookies[at] == ' ' || cookies[at] == ';')) ++at;
    const std::size_t end = std::min(cookies.find(';', at), cookies.size());
    if (cookies.compare(at, key.size(), key) == 0) return cookies.substr(at + key.size(), end - at - key.size());
    at = end;
  }
  return {};
}

std::string cookie(const std::string& value, bool secure, bool expire) {
  return std::string(kCookie) + "=" + value + "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "") +
         (expire ? "; Max-Age=0" : "");
}

json me_json(const Session& s) {
  return {{"user", s.user}, {"role", indexer::role_name(s.role)}, {"csrf", s.csrf}};
}

}  // namespace

namespace detail {

void send_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json; charset=utf-8");
}

void send_error(httplib::Response& res, int status, const std::string& message) {
  send_json(res, status, {{"error", message}});
}

json body_json(const httplib::Request& req) {
  json body = json::parse(req.body, nullptr, false);
  return body.is_object() ? body : json::object();
}

bool audited(Context& ctx, const Session& session, httplib::Response& res, const std::string& action,
             const std::string& object, const std::string& detail, std::vector<std::string> patients) {
  if (auto s = ctx.store.audit({session.user, action, object, detail, "", std::move(patients)}); !s) {
    send_error(res, 500, "the audit log cannot be written, so nothing is shown: " + s.error().message);
    return false;
  }
  return true;
}

}  // namespace detail

bool is_loopback(const std::string& host) {
  if (host == "localhost" || host == "::1") return true;
  in_addr addr{};
  return ::inet_pton(AF_INET, host.c_str(), &addr) == 1 && (ntohl(addr.s_addr) >> 24) == 127;
}

struct Station::Impl {
  Impl(indexer::Store& store, StationOptions options) : ctx(store, std::move(options)) {}
  Context ctx;
  std::unique_ptr<httplib::Server> server;
  int port = 0;
  bool tls = false;

  void log(const httplib::Request& req, const httplib::Response& res, const std::string& user) const {
    if (ctx.options.log) {
      ctx.options.log(req.method + " " + req.path + " " + std::to_string(res.status) +
                      (user.empty() ? "" : " " + user));
    }
  }
  void routes();
  void login(const httplib::Request& req, httplib::Response& res);
};

void Station::Impl::login(const httplib::Request& req, httplib::Response& res) {
  const json body = detail::body_json(req);
  const std::string name = body.value("user", "");
  const std::string password = body.value("password", "");
  const std::string by_user = "user:" + name;
  const std::string by_address = "address:" + req.remote_addr;
  const int wait = std::max(ctx.limiter.wait_seconds(by_user), ctx.limiter.wait_seconds(by_address));
  if (wait > 0) {
    res.set_header("Retry-After", std::to_string(wait));
    detail::send_error(res, 429, "Too many failed logins. Try again in " + std::to_string(wait) + " seconds.");
    return;
  }
  std::optional<indexer::User> user;
  bool ok = false;
  {
    std::lock_guard lock(ctx.store_mutex);
    auto checked = ctx.store.check_password(name, password);
    ok = checked && *checked;
    if (ok) {
      auto found = ctx.store.user(name);
      if (found && found->has_value()) user = **found;
    }
    (void)ctx.store.audit({name.empty() ? "(no name)" : name, ok && user ? "login" : "login failed", "",
                           "review station, from " + req.remote_addr, "", {}});
  }
  if (!ok || !user) {
    ctx.limiter.failed(by_user);
    ctx.limiter.failed(by_address);
    detail::send_error(res, 401, "That user name and password do not match an active user of this store.");
    return;
  }
  ctx.limiter.succeeded(by_user);
  const std::string token = ctx.sessions.open(user->name, user->role);
  res.set_header("Set-Cookie", cookie(token, tls, false));
  detail::send_json(res, 200, me_json(*ctx.sessions.touch(token)));
}

void Station::Impl::routes() {
  httplib::Server& s = *server;
  s.set_default_headers({{"Content-Security-Policy", kPolicy},
                         {"X-Content-Type-Options", "nosniff"},
                         {"X-Frame-Options", "DENY"},
                         {"Referrer-Policy", "no-referrer"},
                         {"Cache-Control", "no-store"}});
  for (const Asset& asset : assets()) {
    s.Get(asset.path, [this, &asset](const httplib::Request& req, httplib::Response& res) {
      res.set_content(std::string(asset.body), std::string(asset.type) + "; charset=utf-8");
      log(req, res, "");
    });
  }
  s.Get("/favicon.ico", [](const httplib::Request&, httplib::Response& res) { res.status = 204; });
  s.Post("/api/login", [this](const httplib::Request& req, httplib::Response& res) {
    login(req, res);
    log(req, res, "");
  });
  s.Get("/api/me", [this](const httplib::Request& req, httplib::Response& res) {
    auto session = ctx.sessions.touch(session_token(req));
    if (session) detail::send_json(res, 200, me_json(*session));
    else detail::send_error(res, 401, "Not logged in.");
    log(req, res, session ? session->user : "");
  });
  s.Post("/api/logout", [this](const httplib::Request& req, httplib::Response& res) {
    const std::string token = session_token(req);
    auto session = ctx.sessions.touch(token);
    if (!session || !same_secret(req.get_header_value("X-CSRF-Token"), session->csrf)) {
      detail::send_error(res, session ? 403 : 401, session ? "The request has no valid CSRF token." : "Not logged in.");
    } else {
      ctx.sessions.close(token);
      res.set_header("Set-Cookie", cookie("", tls, true));
      std::lock_guard lock(ctx.store_mutex);
      (void)ctx.store.audit({session->user, "logout", "", "review station", "", {}});
      detail::send_json(res, 200, {{"ok", true}});
    }
    log(req, res, session ? session->user : "");
  });
  for (detail::Route route : detail::api_routes()) {
    auto guarded = [this, route](const httplib::Request& req, httplib::Response& res) {
      auto session = ctx.sessions.touch(session_token(req));
      if (!session) {
        detail::send_error(res, 401, "Not logged in (or the session was idle too long). Log in again.");
      } else if (std::string(route.method) == "POST" &&
                 !same_secret(req.get_header_value("X-CSRF-Token"), session->csrf)) {
        detail::send_error(res, 403, "The request has no valid CSRF token; reload the page.");
      } else {
        std::lock_guard lock(ctx.store_mutex);
        // A user disabled (or given another role) since logging in: the store decides, not the session.
        auto user = ctx.store.user(session->user);
        if (!user || !user->has_value() || (*user)->disabled) {
          ctx.sessions.close_user(session->user);
          detail::send_error(res, 401, "This user is no longer active; ask an admin.");
        } else if (route.decides && (*user)->role == indexer::Role::kOperator) {
          detail::send_error(res, 403, "Your role (operator) may not decide on documents; ask an admin for the "
                                       "reviewer role.");
        } else {
          session->role = (*user)->role;
          route.handler(ctx, *session, req, res);
        }
      }
      log(req, res, session ? session->user : "");
    };
    if (std::string(route.method) == "POST") s.Post(route.pattern, guarded);
    else s.Get(route.pattern, guarded);
  }
  s.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty()) detail::send_error(res, res.status, "Not found.");
  });
  s.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    detail::send_error(res, 500, "The station failed on this request; see its log.");
  });
}

Station::Station() = default;
Station::~Station() {
  if (impl_ && impl_->server) impl_->server->stop();
}

Result<std::unique_ptr<Station>> Station::create(indexer::Store& store, StationOptions options) {
  if (sodium_init() < 0) return fail(ErrorCode::kInternal, "libsodium could not be initialised");
  const bool tls = !options.tls_cert.empty() || !options.tls_key.empty();
  if (tls && (options.tls_cert.empty() || options.tls_key.empty())) {
    return fail(ErrorCode::kInvalidArgument, "give both --tls-cert and --tls-key, or neither");
  }
  if (!tls && !is_loopback(options.host)) {
    return fail(ErrorCode::kInvalidArgument,
                "the review station shows patient data: it listens on " + options.host +
                    " only with TLS (--tls-cert and --tls-key); without them it listens on 127.0.0.1 only");
  }
  std::unique_ptr<Station> station(new Station());
  station->impl_ = std::make_unique<Impl>(store, std::move(options));
  Impl& impl = *station->impl_;
  impl.tls = tls;
  if (tls) {
    auto server = std::make_unique<httplib::SSLServer>(impl.ctx.options.tls_cert.c_str(),
                                                       impl.ctx.options.tls_key.c_str());
    if (!server->is_valid()) {
      return fail(ErrorCode::kInvalidArgument, "the TLS certificate " + impl.ctx.options.tls_cert.string() +
                                                   " or key " + impl.ctx.options.tls_key.string() +
                                                   " cannot be read (PEM files, the key unencrypted)");
    }
    impl.server = std::move(server);
  } else {
    impl.server = std::make_unique<httplib::Server>();
  }
  impl.server->new_task_queue = [] { return new httplib::ThreadPool(4); };
  impl.server->set_payload_max_length(1 << 20);
  impl.routes();
  const std::string& host = impl.ctx.options.host;
  impl.port = impl.ctx.options.port == 0 ? impl.server->bind_to_any_port(host)
                                         : (impl.server->bind_to_port(host, impl.ctx.options.port)
                                                ? impl.ctx.options.port
                                                : -1);
  if (impl.port <= 0) {
    return fail(ErrorCode::kIo, "cannot listen on " + host + ":" + std::to_string(impl.ctx.options.port) +
                                    " (is another station running there? choose another with --port)");
  }
  return station;
}

int Station::port() const { return impl_->port; }
bool Station::tls() const { return impl_->tls; }

Status Station::run() {
  if (!impl_->server->listen_after_bind()) return fail(ErrorCode::kIo, "the review station stopped unexpectedly");
  return {};
}

void Station::stop() { impl_->server->stop(); }

}  // namespace chartroom::review
