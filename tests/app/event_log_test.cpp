// The service log: values escaped so nothing in a file name or an error
// message can forge a line, and names kept out of messages.
#include "app/event_log.h"

#include <gtest/gtest.h>

namespace chartroom::app {
namespace {

TEST(EventLog, PlainValuesStayBare) {
  EXPECT_EQ(logfmt_value("ward3"), "ward3");
  EXPECT_EQ(logfmt_value("3f9a1c2b"), "3f9a1c2b");
}

TEST(EventLog, ValuesWithSpacesQuotesOrNewlinesAreQuotedAndEscaped) {
  EXPECT_EQ(logfmt_value(""), "\"\"");
  EXPECT_EQ(logfmt_value("no space left"), "\"no space left\"");
  EXPECT_EQ(logfmt_value("a=b"), "\"a=b\"");
  EXPECT_EQ(logfmt_value("say \"hi\""), "\"say \\\"hi\\\"\"");
  EXPECT_EQ(logfmt_value("C:\\scans"), "\"C:\\\\scans\"");
  EXPECT_EQ(logfmt_value("x\nlevel=info event=archived"), "\"x\\nlevel=info event=archived\"");
  EXPECT_EQ(logfmt_value(std::string("bell\x07", 5)), "\"bell\\x07\"");
}

TEST(EventLog, AForgedLineStaysOnOneLine) {
  testing::internal::CaptureStderr();
  log_event(LogLevel::kError, "archive_failed",
            {{"scanner", "ward3\nlevel=info event=archived file_hash=0000"}, {"files", 2}});
  const std::string out = testing::internal::GetCapturedStderr();
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out.find('\n'), out.size() - 1) << out;
  EXPECT_NE(out.find("level=error event=archive_failed scanner=\"ward3\\nlevel=info"), std::string::npos)
      << out;
  EXPECT_NE(out.find(" files=2"), std::string::npos) << out;
}

TEST(EventLog, WithoutNamesRemovesPathsAndFileNames) {
  const std::string message =
      "cannot copy /scans/ward3/SMITH_JOHN_1950.tif to the archive: /srv/archive is full; "
      "SMITH_JOHN_1950.tif is kept";
  const std::string clean = without_names(message, {"/scans/ward3/SMITH_JOHN_1950.tif"}, {"/srv/archive"});
  EXPECT_EQ(clean.find("SMITH"), std::string::npos) << clean;
  EXPECT_EQ(clean, "cannot copy [file] to the archive: [folder] is full; [file] is kept");
}

}  // namespace
}  // namespace chartroom::app
