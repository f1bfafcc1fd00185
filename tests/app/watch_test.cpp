// `chartroom watch` against fake slow scanners: a TIFF written in chunks over
// several seconds and a folder filled page by page. Nothing may be taken
// before the scanner has finished; then everything is filed once, the
// originals move to the archive, and SIGTERM stops the service cleanly.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/gen/testgen.h"
#include "tests/support/process.h"

namespace chartroom {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

using test::slurp;
using test::spawn;
using test::wait_for;

const fs::path kChartroom = test::chartroom_executable();
const fs::path kTestpages = test::testpages_executable();

int count_of(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class Watch : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("chartroom-watch-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "scanners" / "ward3");
    fs::create_directories(root_ / "scanners" / "clinic");
    ASSERT_EQ(wait_for(spawn({kTestpages, "--out", (root_ / "gen").string(), "--documents", "3", "--seed", "5"},
                             root_ / "gen.log")),
              0);
    ASSERT_EQ(wait_for(spawn({kChartroom, "patients", "import", "--create", (root_ / "gen" / "roster.csv").string(), "--store",
                              store().string()},
                             root_ / "import.log")),
              0);
    std::ofstream(root_ / "chartroom.toml") << "[pipeline]\nworkers = 2\n"
                                            << "[watch]\narchive = \"" << (root_ / "archive").string() << "\"\n"
                                            << "rescan_seconds = 2\n"
                                            << "[[scanner]]\nname = \"ward3\"\nfolder = \""
                                            << (root_ / "scanners" / "ward3").string() << "\"\n"
                                            << "complete = \"stable\"\nstable_seconds = 2\n"
                                            << "[[scanner]]\nname = \"clinic\"\nfolder = \""
                                            << (root_ / "scanners" / "clinic").string() << "\"\n"
                                            << "complete = \"stable\"\nstable_seconds = 2\nbatch = \"folder\"\n";
  }
  void TearDown() override {
    if (daemon_ > 0) {
      ::kill(daemon_, SIGKILL);
      wait_for(daemon_);
    }
    fs::remove_all(root_);
  }
  fs::path store() const { return root_ / "store"; }
  std::string log() const { return slurp(root_ / "watch.log"); }
  nlohmann::json pages() const {
    const pid_t pid = spawn({kChartroom, "pages", "--json", "--store", store().string()}, root_ / "pages.json");
    wait_for(pid);
    return nlohmann::json::parse(slurp(root_ / "pages.json"), nullptr, false);
  }
  // Waits until `done` holds or the time is up.
  template <typename F>
  bool eventually(F done, std::chrono::seconds limit) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
      if (done()) return true;
      std::this_thread::sleep_for(250ms);
    }
    return done();
  }

  fs::path root_;
  pid_t daemon_ = -1;
};

TEST_F(Watch, SlowWritersAreNeverTakenEarly) {
  daemon_ = spawn({kChartroom, "watch", "--config", (root_ / "chartroom.toml").string(), "--store", store().string()},
                  root_ / "watch.log");
  ASSERT_TRUE(eventually([&] { return log().find("event=started") != std::string::npos; }, 60s)) << log();

  // A three-page TIFF arrives in 8 chunks over 4 seconds (a pause of 0.5 s < stable_seconds = 2).
  const std::string tiff = slurp(root_ / "gen" / "batch" / "scan_0002.tif");
  ASSERT_GT(tiff.size(), 8U);
  // A folder is filled with one image per second (quiet period 2 s).
  const fs::path clinic_in = root_ / "gen" / "batch" / "clinic_scan_0003";
  std::vector<fs::path> images;
  for (const auto& entry : fs::directory_iterator(clinic_in)) images.push_back(entry.path());
  std::ranges::sort(images);
  ASSERT_EQ(images.size(), 3U);
  const fs::path folder = root_ / "scanners" / "clinic" / "visit_0001";
  fs::create_directories(folder);
  {
    std::ofstream out(root_ / "scanners" / "ward3" / "scan_0002.tif", std::ios::binary);
    const std::size_t chunk = tiff.size() / 8 + 1;
    for (std::size_t at = 0, i = 0; at < tiff.size(); at += chunk, ++i) {
      out.write(tiff.data() + at, static_cast<std::streamsize>(std::min(chunk, tiff.size() - at)));
      out.flush();
      if (i % 2 == 0 && i / 2 < images.size()) fs::copy_file(images[i / 2], folder / images[i / 2].filename());
      std::this_thread::sleep_for(500ms);
      // Nothing of either may have been taken while it was being written.
      ASSERT_EQ(log().find("event=ingested"), std::string::npos) << "taken while still being written:\n" << log();
    }
  }
  ASSERT_EQ(pages().size(), 0U) << "pages recorded before the writers finished";

  // Both finish; each is taken once, whole.
  ASSERT_TRUE(eventually([&] { return count_of(log(), "event=archived") == 2; }, 240s)) << log();
  const std::string text = log();
  // Two batches of three whole pages each, nothing resumed from a partial read.
  int batches = 0;
  int pages_seen = 0;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    const auto at = line.find("level=info event=ingested");
    if (at == std::string::npos) continue;
    int b = 0;
    int p = 0;
    ASSERT_EQ(std::sscanf(line.c_str() + at, "level=info event=ingested batches=%d pages=%d", &b, &p), 2) << line;
    batches += b;
    pages_seen += p;
    EXPECT_NE(line.find(" quarantined=0 "), std::string::npos) << line;
  }
  EXPECT_EQ(batches, 2);
  EXPECT_EQ(pages_seen, 6);
  const auto recorded = pages();
  ASSERT_TRUE(recorded.is_array());
  EXPECT_EQ(recorded.size(), 6U);
  for (const auto& page : recorded) {
    EXPECT_TRUE(page["state"] == "filed" || page["state"] == "review") << page.dump();
  }
  // Originals moved to the archive (never deleted), the scanner folders emptied.
  EXPECT_FALSE(fs::exists(root_ / "scanners" / "ward3" / "scan_0002.tif"));
  EXPECT_FALSE(fs::exists(folder));
  int archived = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root_ / "archive")) {
    if (entry.is_regular_file()) ++archived;
  }
  EXPECT_EQ(archived, 4);
  EXPECT_EQ(text.find("scan_0002"), std::string::npos) << "file names do not belong in the log";

  // SIGTERM: a clean stop.
  ::kill(daemon_, SIGTERM);
  EXPECT_EQ(wait_for(daemon_), 0);
  daemon_ = -1;
  EXPECT_NE(log().find("event=stopped"), std::string::npos) << log();
}

// While another process holds the store's writer claim (a manual ingest; here
// flock(1) holding it), the service takes nothing from its folders and says so
// once; when the claim is free it files the waiting scan, once.
TEST_F(Watch, WaitsWhileAnotherProcessFilesIntoTheStore) {
  const fs::path ready = root_ / "held";
  const fs::path release = root_ / "release";
  const pid_t holder = spawn({"/usr/bin/flock", "-x", (store() / "writer.lock").string(), "sh", "-c",
                              "touch '" + ready.string() + "'; while [ ! -e '" + release.string() +
                                  "' ]; do sleep 0.2; done"},
                             root_ / "flock.log");
  ASSERT_TRUE(eventually([&] { return fs::exists(ready); }, 30s)) << slurp(root_ / "flock.log");
  daemon_ = spawn({kChartroom, "watch", "--config", (root_ / "chartroom.toml").string(), "--store", store().string()},
                  root_ / "watch.log");
  fs::copy_file(root_ / "gen" / "batch" / "scan_0002.tif", root_ / "scanners" / "ward3" / "scan_0002.tif");
  ASSERT_TRUE(eventually([&] { return log().find("event=store_busy") != std::string::npos; }, 60s)) << log();
  EXPECT_EQ(log().find("event=ingested"), std::string::npos) << log();
  EXPECT_TRUE(fs::exists(root_ / "scanners" / "ward3" / "scan_0002.tif")) << "left in its folder";
  std::ofstream(release).put('\n');
  EXPECT_EQ(wait_for(holder), 0);
  ASSERT_TRUE(eventually([&] { return count_of(log(), "event=archived") == 1; }, 240s)) << log();
  EXPECT_EQ(count_of(log(), "event=store_busy"), 1) << "said once:\n" << log();
  EXPECT_NE(log().find("event=store_free"), std::string::npos) << log();
  EXPECT_EQ(pages().size(), 3U);
  ::kill(daemon_, SIGTERM);
  EXPECT_EQ(wait_for(daemon_), 0);
  daemon_ = -1;
}

// A scanner pauses (a jam) longer than the stable time: the service takes a
// two-page file, and while it reads it the scanner writes the third page into
// the same file. Archiving finds other content than was filed: the file stays,
// the grown content is read again and goes to review as "superseded", so the
// first two pages are never filed twice and the third is not left only in the
// archive.
TEST_F(Watch, AScanThatGrowsAfterItWasTakenGoesToReviewNotFiledTwice) {
  std::vector<Patient> patients = testgen::load_patients(testgen::shared_data_dir() / "patients_dev.csv");
  std::vector<testgen::Sample> samples = testgen::load_samples(testgen::shared_data_dir() / "mtsamples_dev.csv", 3);
  ASSERT_GE(patients.size(), 1U);
  ASSERT_GE(samples.size(), 1U);
  ASSERT_TRUE(testgen::write_roster_csv({patients[0]}, root_ / "roster2.csv"));
  ASSERT_EQ(wait_for(spawn({kChartroom, "patients", "import", (root_ / "roster2.csv").string(), "--store",
                            store().string()},
                           root_ / "import2.log")),
            0);
  std::vector<Image> images;
  for (int n = 1; n <= 3; ++n) {
    testgen::PageSpec spec;
    spec.patient = patients[0];
    spec.title = samples[0].title;
    spec.paragraphs = samples[0].paragraphs;
    spec.page_number = n;
    spec.page_count = 3;
    images.push_back(testgen::render_page(spec, 200).image);
  }
  const fs::path whole = root_ / "whole.tif";
  ASSERT_TRUE(testgen::write_pages(images, whole, testgen::Encoding::kTiffG4));
  images.pop_back();
  const fs::path scan = root_ / "scanners" / "ward3" / "scan_0009.tif";
  ASSERT_TRUE(testgen::write_pages(images, scan, testgen::Encoding::kTiffG4));

  daemon_ = spawn({kChartroom, "watch", "--config", (root_ / "chartroom.toml").string(), "--store", store().string()},
                  root_ / "watch.log");
  // Both pages of the short file decoded: the scanner writes the rest.
  const auto decoded = [&] {
    const auto run = test::run_shell("sqlite3 " + test::quote(store() / "chartroom.db") +
                                     " 'SELECT count(*) FROM page_work' 2>/dev/null");
    return run.status == 0 && run.out.starts_with("2");
  };
  ASSERT_TRUE(eventually(decoded, 120s)) << log();
  {
    const std::string bytes = slurp(whole);
    std::ofstream out(scan, std::ios::binary | std::ios::trunc);  // the same file, as a scanner's open handle
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  ASSERT_TRUE(eventually([&] { return log().find("event=grew_after_taken") != std::string::npos; }, 120s)) << log();
  ASSERT_TRUE(eventually([&] { return count_of(log(), "event=archived") == 1; }, 240s)) << log();
  EXPECT_EQ(count_of(log(), "event=grew_after_taken"), 1) << log();

  // The short copy's two pages are in their document; the grown content's
  // three are in review. (`pages` lists a file name's latest content only: the
  // page ledger is keyed by name, issue 23.)
  const pid_t docs = spawn({kChartroom, "documents", "--json", "--store", store().string()}, root_ / "docs.json");
  wait_for(docs);
  const auto documents = nlohmann::json::parse(slurp(root_ / "docs.json"), nullptr, false);
  ASSERT_TRUE(documents.is_array()) << slurp(root_ / "docs.json");
  int all_pages = 0;
  for (const auto& document : documents) all_pages += document["pages"].get<int>();
  EXPECT_EQ(all_pages, 5) << "two pages of the short copy, three of the grown one: " << documents.dump(1);
  const pid_t lister = spawn({kChartroom, "review", "list", "--kind", "superseded", "--json", "--store",
                              store().string()},
                             root_ / "review.json");
  wait_for(lister);
  const auto queue = nlohmann::json::parse(slurp(root_ / "review.json"), nullptr, false);
  ASSERT_TRUE(queue.is_array()) << slurp(root_ / "review.json");
  int superseded_pages = 0;
  for (const auto& document : queue) superseded_pages += document["pages"].get<int>();
  EXPECT_EQ(superseded_pages, 3) << queue.dump(1);
  EXPECT_FALSE(fs::exists(scan)) << "archived once its grown content was recorded";
  ::kill(daemon_, SIGTERM);
  EXPECT_EQ(wait_for(daemon_), 0);
  daemon_ = -1;
}

// No page finishes for [watch] stall_seconds while a batch is in flight (here
// 1 s, shorter than reading one page, so every page is a stall): the service
// logs it and stops answering systemd's watchdog until a page finishes again,
// so that a real hang inside OCR gets the service restarted.
TEST_F(Watch, AStalledServiceStopsAnsweringTheWatchdogUntilPagesFinishAgain) {
  std::string config = slurp(root_ / "chartroom.toml");
  config.replace(config.find("workers = 2"), 11, "workers = 1");
  config.replace(config.find("rescan_seconds = 2\n"), 19, "rescan_seconds = 2\nstall_seconds = 1\n");
  std::ofstream(root_ / "chartroom.toml") << config;

  // systemd's end of the notify protocol.
  const fs::path socket_path = root_ / "notify.sock";
  const int sock = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  ASSERT_GE(sock, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  ASSERT_LT(socket_path.string().size(), sizeof addr.sun_path);
  std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.string().size());
  ASSERT_EQ(::bind(sock, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);
  std::vector<std::string> messages;
  const auto drain = [&] {
    char buffer[512];
    for (ssize_t n; (n = ::recv(sock, buffer, sizeof buffer, 0)) > 0;) messages.emplace_back(buffer, n);
  };
  ::setenv("NOTIFY_SOCKET", socket_path.c_str(), 1);
  ::setenv("WATCHDOG_USEC", "1000000", 1);  // a ping every 0.5 s while healthy
  daemon_ = spawn({kChartroom, "watch", "--config", (root_ / "chartroom.toml").string(), "--store", store().string()},
                  root_ / "watch.log");
  ::unsetenv("NOTIFY_SOCKET");
  ::unsetenv("WATCHDOG_USEC");
  ASSERT_TRUE(eventually([&] { return log().find("event=started") != std::string::npos; }, 60s)) << log();
  fs::copy_file(root_ / "gen" / "batch" / "scan_0002.tif", root_ / "scanners" / "ward3" / "scan_0002.tif");
  ASSERT_TRUE(eventually(
      [&] {
        drain();
        return log().find("event=archived") != std::string::npos;
      },
      240s))
      << log();
  std::this_thread::sleep_for(1500ms);  // healthy again: pings resume
  drain();
  ::close(sock);
  const std::string text = log();
  EXPECT_NE(text.find("level=error event=stalled"), std::string::npos) << text;
  EXPECT_NE(text.find("event=progressing_again"), std::string::npos) << text;

  const auto is = [](const std::string& message, std::string_view what) {
    return message.find(what) != std::string::npos;
  };
  int pings_before = 0, pings_while_stalled = 0, pings_after = 0, stalls = 0;
  bool stalled = false, seen_stall = false;
  for (const std::string& message : messages) {
    if (is(message, "STATUS=stalled")) {
      stalled = seen_stall = true;
      ++stalls;
    } else if (is(message, "STATUS=watching")) {
      stalled = false;
    } else if (is(message, "WATCHDOG=1")) {
      (stalled ? pings_while_stalled : seen_stall ? pings_after : pings_before) += 1;
    }
  }
  EXPECT_GE(stalls, 1);
  EXPECT_GE(pings_before, 1) << "the healthy service answers the watchdog";
  EXPECT_EQ(pings_while_stalled, 0) << "a stalled service must not answer the watchdog";
  EXPECT_GE(pings_after, 1) << "once pages finish again, it answers again";
  EXPECT_FALSE(stalled) << "the service ended the run stalled";

  // The batch itself went through as usual.
  const auto recorded = pages();
  ASSERT_TRUE(recorded.is_array());
  EXPECT_EQ(recorded.size(), 3U);
  ::kill(daemon_, SIGTERM);
  EXPECT_EQ(wait_for(daemon_), 0);
  daemon_ = -1;
}

}  // namespace
}  // namespace chartroom
