// The review station over HTTP, against a real store and a real server on
// loopback: without a session no patient data and no change; without the
// CSRF token, with the wrong role, after logout or idle, refused; logins
// rate-limited; the cookie and the headers safe; views and decisions audited.
#include <gtest/gtest.h>
#include <httplib.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "review/station.h"
#include "tests/indexer/test_util.h"

namespace chartroom::review {
namespace {

using chartroom::DocumentState;
using indexer::Role;
using nlohmann::json;

class StationTest : public ::testing::Test {
 protected:
  void SetUp() override { start(StationOptions{}); }
  void TearDown() override { stop(); }

  // A new store in tmp_/FOLDER with one document in review and three users.
  void start(StationOptions options, const std::string& folder = "store") {
    auto store = indexer::Store::open(tmp_.path() / folder);
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    ASSERT_TRUE(store_->upsert_patients({{"MRN001", "Doe", "Jane", "", "1980-02-29", 'F'},
                                         {"MRN002", "Roe", "Rick", "", "1975-07-04", 'M'}}));
    indexer::BatchRecord batch = indexer::testing::three_page_batch(tmp_.path() / (folder + "-in"));
    batch.documents[0].state = DocumentState::kReview;
    batch.documents[0].review_reasons = {"MRN MRN009 is not in the patient index"};
    batch.documents[0].review_kinds = {"patient"};
    for (indexer::PageRecord& p : batch.pages) {
      if (p.state == PageState::kFiled) p.state = PageState::kReview;
    }
    ASSERT_TRUE(store_->file_batch(batch));
    ASSERT_TRUE(store_->add_user({"ada", Role::kAdmin, false, "", "setup"}, "ada-password-1"));
    ASSERT_TRUE(store_->add_user({"rita", Role::kReviewer, false, "", "ada"}, "rita-password-1"));
    ASSERT_TRUE(store_->add_user({"otto", Role::kOperator, false, "", "ada"}, "otto-password-1"));
    options.port = 0;
    options.type_labels = {"discharge_summary", "progress_note"};
    auto station = Station::create(*store_, options);
    ASSERT_TRUE(station) << station.error().message;
    station_ = std::move(*station);
    server_ = std::thread([this] { (void)station_->run(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", station_->port());
    for (int i = 0; i < 100 && !client_->Get("/favicon.ico"); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  void stop() {
    if (station_) station_->stop();
    if (server_.joinable()) server_.join();
    station_.reset();
    client_.reset();
    store_.reset();
  }

  struct Login {
    std::string cookie;  // "chartroom_session=..."
    std::string csrf;
  };
  Login login(const std::string& user, const std::string& password) {
    auto res = client_->Post("/api/login", json{{"user", user}, {"password", password}}.dump(), "application/json");
    EXPECT_TRUE(res);
    if (!res || res->status != 200) return {};
    const std::string set = res->get_header_value("Set-Cookie");
    return {set.substr(0, set.find(';')), json::parse(res->body)["csrf"].get<std::string>()};
  }
  httplib::Result get(const std::string& path, const Login& who = {}) {
    httplib::Headers headers;
    if (!who.cookie.empty()) headers.emplace("Cookie", who.cookie);
    return client_->Get(path, headers);
  }
  httplib::Result post(const std::string& path, const json& body, const Login& who = {}, const std::string& csrf = "") {
    httplib::Headers headers;
    if (!who.cookie.empty()) headers.emplace("Cookie", who.cookie);
    if (!csrf.empty()) headers.emplace("X-CSRF-Token", csrf);
    return client_->Post(path, headers, body.dump(), "application/json");
  }
  json resolve_body() const {
    return {{"kind", "resolve"}, {"id", "doc0001"}, {"mrn", "MRN001"}, {"reason", "sticker on page 1"}};
  }
  DocumentState state_of(const std::string& id) {
    auto d = store_->document(id);
    EXPECT_TRUE(d && d->has_value());
    return d && d->has_value() ? (**d).state : DocumentState::kMerged;
  }

  indexer::testing::TempDir tmp_;
  std::unique_ptr<indexer::Store> store_;
  std::unique_ptr<Station> station_;
  std::thread server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(StationTest, WithoutASessionThereIsNoPatientDataAndNoChange) {
  for (const char* path : {"/api/queue", "/api/document/doc0001", "/api/document/doc0001/page/1.png"}) {
    auto res = get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 401) << path;
    EXPECT_EQ(res->body.find("MRN"), std::string::npos) << path << ": " << res->body;
    EXPECT_EQ(res->body.find("Doe"), std::string::npos) << path;
  }
  for (const char* path : {"/api/decide", "/api/patients", "/api/find"}) {
    auto res = post(path, path == std::string("/api/decide") ? resolve_body() : json{{"query", "DOE"}});
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401) << path;
    EXPECT_EQ(res->body.find("Doe"), std::string::npos) << path;
  }
  EXPECT_EQ(state_of("doc0001"), DocumentState::kReview);
  // A forged cookie is no session either.
  auto res = get("/api/queue", {"chartroom_session=" + std::string(64, 'a'), ""});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
}

TEST_F(StationTest, ThePageAndTheCookieAreSafe) {
  auto page = get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  const std::string policy = page->get_header_value("Content-Security-Policy");
  EXPECT_NE(policy.find("default-src 'none'"), std::string::npos) << policy;
  EXPECT_NE(policy.find("script-src 'self'"), std::string::npos) << policy;
  EXPECT_EQ(policy.find("unsafe-inline"), std::string::npos) << policy;
  EXPECT_EQ(page->get_header_value("X-Frame-Options"), "DENY");
  EXPECT_NE(page->body.find("<title>chartroom review</title>"), std::string::npos);
  EXPECT_EQ(page->body.find("<script>"), std::string::npos) << "no inline script";

  auto res = client_->Post("/api/login", json{{"user", "rita"}, {"password", "rita-password-1"}}.dump(),
                           "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const std::string cookie = res->get_header_value("Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos) << cookie;
  EXPECT_EQ(cookie.find("Secure"), std::string::npos) << "plain HTTP on loopback: " << cookie;
  EXPECT_EQ(json::parse(res->body)["role"], "reviewer");
}

TEST_F(StationTest, DecisionsNeedTheCsrfTokenAndTheRole) {
  const Login rita = login("rita", "rita-password-1");
  ASSERT_FALSE(rita.cookie.empty());
  auto res = post("/api/decide", resolve_body(), rita);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403) << "no CSRF token";
  res = post("/api/decide", resolve_body(), rita, std::string(64, '0'));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403) << "a wrong CSRF token";
  EXPECT_EQ(state_of("doc0001"), DocumentState::kReview);

  const Login otto = login("otto", "otto-password-1");
  res = post("/api/decide", resolve_body(), otto, otto.csrf);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403) << "an operator may not decide";
  EXPECT_EQ(state_of("doc0001"), DocumentState::kReview);
  res = get("/api/queue", otto);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << "but may look at the queue";

  // The reviewer's own token of another session does not do either.
  const Login rita2 = login("rita", "rita-password-1");
  res = post("/api/decide", resolve_body(), rita, rita2.csrf);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);

  res = post("/api/decide", resolve_body(), rita, rita.csrf);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(state_of("doc0001"), DocumentState::kFiled);
  auto doc = store_->document("doc0001");
  ASSERT_TRUE(doc && doc->has_value());
  EXPECT_EQ((**doc).decided_by, "rita");
  auto rows = store_->audit_rows({});
  ASSERT_TRUE(rows);
  bool found = false;
  for (const auto& row : *rows) found = found || (row.action == "review resolve" && row.actor == "rita");
  EXPECT_TRUE(found);
  // Refused decisions say why.
  res = post("/api/decide", resolve_body(), rita, rita.csrf);
  ASSERT_TRUE(res);
  EXPECT_TRUE(res->status == 400 || res->status == 409) << res->status << " " << res->body;
  EXPECT_NE(json::parse(res->body)["error"].get<std::string>().find("review"), std::string::npos) << res->body;
}

TEST_F(StationTest, ViewsAreAuditedUnderTheUser) {
  const Login rita = login("rita", "rita-password-1");
  auto res = get("/api/document/doc0001", rita);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const json doc = json::parse(res->body);
  EXPECT_EQ(doc["id"], "doc0001");
  EXPECT_EQ(doc["pages"], 3);
  EXPECT_EQ(doc["type_labels"].size(), 2U);
  res = get("/api/document/doc0001/page/2.png?dpi=50", rita);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(res->get_header_value("Content-Type"), "image/png");
  EXPECT_EQ(res->body.substr(0, 4), "\x89PNG");
  res = get("/api/document/doc0001/page/9.png", rita);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  res = post("/api/patients", {{"query", "doe"}}, rita, rita.csrf);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  ASSERT_EQ(json::parse(res->body)["patients"].size(), 1U);
  EXPECT_EQ(json::parse(res->body)["patients"][0]["mrn"], "MRN001");
  res = post("/api/patients", {{"query", "1975-07-04"}}, rita, rita.csrf);
  ASSERT_TRUE(res);
  EXPECT_EQ(json::parse(res->body)["patients"][0]["mrn"], "MRN002");

  auto rows = store_->audit_rows({});
  ASSERT_TRUE(rows);
  std::set<std::string> seen;
  for (const auto& row : *rows) {
    if (row.actor == "rita") seen.insert(row.action + " " + row.object);
  }
  EXPECT_TRUE(seen.contains("login "));
  EXPECT_TRUE(seen.contains("show doc0001"));
  EXPECT_TRUE(seen.contains("show page doc0001"));
  EXPECT_TRUE(seen.contains("patients search "));
  EXPECT_TRUE(store_->verify_audit());
}

TEST_F(StationTest, TheQueueIsPagedAndCountedByKind) {
  const Login rita = login("rita", "rita-password-1");
  auto res = get("/api/queue?kind=patient", rita);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  json q = json::parse(res->body);
  EXPECT_EQ(q["total"], 1);
  EXPECT_EQ(q["counts"]["patient"], 1);
  EXPECT_EQ(q["counts"]["type"], 0);
  ASSERT_EQ(q["documents"].size(), 1U);
  res = get("/api/queue?kind=type", rita);
  ASSERT_TRUE(res);
  EXPECT_TRUE(json::parse(res->body)["documents"].empty());
  res = get("/api/queue?kind=nonsense", rita);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
}

TEST_F(StationTest, LogoutDisablingAndIdleEndTheSession) {
  const Login rita = login("rita", "rita-password-1");
  auto res = post("/api/logout", json::object(), rita, rita.csrf);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  res = get("/api/queue", rita);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401) << "a session after logout";

  const Login rita2 = login("rita", "rita-password-1");
  ASSERT_TRUE(store_->set_user_disabled("rita", true, "ada"));
  res = get("/api/queue", rita2);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401) << "a disabled user's session";
  EXPECT_TRUE(login("rita", "rita-password-1").cookie.empty());

  stop();
  StationOptions quick;
  quick.idle_timeout = std::chrono::seconds(1);
  start(quick, "quick");
  const Login idle = login("ada", "ada-password-1");
  ASSERT_FALSE(idle.cookie.empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(1300));
  res = get("/api/queue", idle);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401) << "an idle session";
}

TEST_F(StationTest, FailedLoginsAreRateLimited) {
  for (int i = 0; i < 5; ++i) {
    auto res = client_->Post("/api/login", json{{"user", "ada"}, {"password", "guess" + std::to_string(i)}}.dump(),
                             "application/json");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401);
  }
  auto res = client_->Post("/api/login", json{{"user", "ada"}, {"password", "ada-password-1"}}.dump(),
                           "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 429) << "even the right password, until the window passes";
  EXPECT_FALSE(res->get_header_value("Retry-After").empty());
}

TEST(StationTlsTest, UnderTlsTheCookieIsSecure) {
  indexer::testing::TempDir tmp;
  const auto cert = tmp.path() / "station.crt";
  const auto key = tmp.path() / "station.key";
  const std::string make = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost -keyout '" +
                           key.string() + "' -out '" + cert.string() + "' >/dev/null 2>&1";
  ASSERT_EQ(std::system(make.c_str()), 0) << "openssl could not make a test certificate";
  auto store = indexer::Store::open(tmp.path() / "store");
  ASSERT_TRUE(store);
  ASSERT_TRUE((*store)->add_user({"ada", Role::kAdmin, false, "", "setup"}, "ada-password-1"));
  StationOptions options;
  options.port = 0;
  options.tls_cert = cert;
  options.tls_key = key;
  auto station = Station::create(**store, options);
  ASSERT_TRUE(station) << station.error().message;
  EXPECT_TRUE((*station)->tls());
  std::thread server([&] { (void)(*station)->run(); });
  httplib::SSLClient client("127.0.0.1", (*station)->port());
  client.enable_server_certificate_verification(false);  // a self-signed test certificate
  httplib::Result res = client.Get("/favicon.ico");
  for (int i = 0; i < 100 && !res; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    res = client.Get("/favicon.ico");
  }
  res = client.Post("/api/login", json{{"user", "ada"}, {"password", "ada-password-1"}}.dump(), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_NE(res->get_header_value("Set-Cookie").find("; Secure"), std::string::npos) << res->get_header_value("Set-Cookie");
  // Plain HTTP to the TLS port gets nothing.
  httplib::Client plain("127.0.0.1", (*station)->port());
  auto refused = plain.Get("/api/me");
  EXPECT_TRUE(!refused || refused->status != 200);
  (*station)->stop();
  server.join();
}

TEST(StationOptionsTest, ListensBeyondLoopbackOnlyWithTls) {
  indexer::testing::TempDir tmp;
  auto store = indexer::Store::open(tmp.path());
  ASSERT_TRUE(store);
  StationOptions options;
  options.host = "0.0.0.0";
  options.port = 0;
  auto station = Station::create(**store, options);
  ASSERT_FALSE(station);
  EXPECT_NE(station.error().message.find("TLS"), std::string::npos) << station.error().message;
  options.host = "127.0.0.1";
  options.tls_cert = tmp.path() / "missing.crt";
  station = Station::create(**store, options);
  ASSERT_FALSE(station) << "a certificate without its key";
  EXPECT_TRUE(is_loopback("127.0.0.1"));
  EXPECT_TRUE(is_loopback("127.1.2.3"));
  EXPECT_TRUE(is_loopback("::1"));
  EXPECT_FALSE(is_loopback("10.0.0.1"));
  EXPECT_FALSE(is_loopback("0.0.0.0"));
}

}  // namespace
}  // namespace chartroom::review
