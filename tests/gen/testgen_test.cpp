// Tests of the test-page generator itself: if its pages or its ground truth
// were wrong, every test built on them would measure the wrong thing.
#include "tests/gen/testgen.h"

#include <gtest/gtest.h>
#include <tiffio.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>

namespace chartroom::testgen {
namespace {

namespace fs = std::filesystem;

// Dark pixels (< 128) in a rectangle of a Gray8 image.
int ink(const Image& image, int x0, int y0, int x1, int y1) {
  int count = 0;
  for (int y = std::max(0, y0); y < std::min(image.height, y1); ++y) {
    const auto row = image.row(y);
    for (int x = std::max(0, x0); x < std::min(image.width, x1); ++x) {
      if (row[static_cast<std::size_t>(x)] < 128) ++count;
    }
  }
  return count;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

PageSpec sample_spec() {
  PageSpec spec;
  spec.patient = {"12345678", "Halvorsen", "Margit", "", "1948-02-11", 'F'};
  spec.title = "Discharge Summary";
  spec.paragraphs = {"HOSPITAL COURSE: The patient was admitted with pneumonia and improved on antibiotics.",
                     "PLAN: Follow up with the primary care physician in one week."};
  return spec;
}

fs::path temp_path(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("chartroom_testgen_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir / name;
}

TEST(Render, PageIsLetterAt300DpiWithInkInsideTheMargins) {
  const RenderedPage page = render_page(sample_spec());
  ASSERT_EQ(page.image.format, PixelFormat::kGray8);
  EXPECT_EQ(page.image.width, 2550);
  EXPECT_EQ(page.image.height, 3300);
  EXPECT_EQ(page.image.dpi_x, 300);
  // Header block and title just below the top margin, body text further down.
  EXPECT_GT(ink(page.image, 300, 300, 1200, 700), 2000);
  EXPECT_GT(ink(page.image, 300, 800, 2250, 1200), 2000);
  // Nothing in the side margins or above the top margin.
  EXPECT_EQ(ink(page.image, 0, 0, 2550, 280), 0);
  EXPECT_EQ(ink(page.image, 0, 0, 280, 3300), 0);
  EXPECT_EQ(ink(page.image, 2270, 0, 2550, 3300), 0);
  // The footer sits centred in the bottom margin.
  EXPECT_GT(ink(page.image, 1000, 3000, 1550, 3300), 200);
  EXPECT_EQ(ink(page.image, 0, 3000, 1000, 3300), 0);
  EXPECT_TRUE(page.overflow.empty());
}

TEST(Render, GroundTruthHoldsEveryPrintedLine) {
  const RenderedPage page = render_page(sample_spec());
  const auto lines = lines_of(page.ground_truth);
  ASSERT_GE(lines.size(), 8u);
  EXPECT_EQ(lines.front(), "Riverside General Hospital");
  EXPECT_EQ(lines[1], "Patient: HALVORSEN, MARGIT");
  EXPECT_EQ(lines[2], "MRN: 12345678");
  EXPECT_EQ(lines[3], "DOB: 02/11/1948");
  EXPECT_EQ(lines[4], "Date of service: 03/14/2024");
  EXPECT_EQ(lines[5], "DISCHARGE SUMMARY");
  EXPECT_EQ(lines.back(), "Page 1 of 1");
  EXPECT_NE(page.ground_truth.find("HOSPITAL COURSE: The patient"), std::string::npos);

  PageSpec hidden = sample_spec();
  hidden.show_mrn = false;
  EXPECT_EQ(render_page(hidden).ground_truth.find("12345678"), std::string::npos);
}

TEST(Render, NonAsciiTextIsPrintedAsAscii) {
  PageSpec spec = sample_spec();
  spec.paragraphs = {"VITALS: Temperature 98.6\xC2\xB0 F, patient\xE2\x80\x99s caf\xC3\xA9 \xE2\x80\x94 fine."};
  const RenderedPage page = render_page(spec);
  EXPECT_NE(page.ground_truth.find("VITALS: Temperature 98.6 degrees F, patient's cafe - fine."), std::string::npos);
  for (char c : page.ground_truth) EXPECT_TRUE(c == '\n' || (c >= 0x20 && c < 0x7F));
}

TEST(Render, DocumentPaginatesWithoutLosingText) {
  PageSpec spec = sample_spec();
  std::string words;
  for (int i = 0; i < 40; ++i) {
    spec.paragraphs.push_back("FINDINGS " + std::to_string(i) +
                              ": The quick brown fox jumps over the lazy dog near the riverbank, again and "
                              "again, until the sun sets over the hills and the evening grows quiet.");
  }
  const auto pages = render_document(spec);
  ASSERT_GE(pages.size(), 2u);
  std::string body;
  for (std::size_t i = 0; i < pages.size(); ++i) {
    const auto lines = lines_of(pages[i].ground_truth);
    EXPECT_EQ(lines.back(), "Page " + std::to_string(i + 1) + " of " + std::to_string(pages.size()));
    EXPECT_EQ(lines[1], "Patient: HALVORSEN, MARGIT");
    EXPECT_EQ(pages[i].ground_truth.find("DISCHARGE SUMMARY") != std::string::npos, i == 0);
    // Body lines: after the header (and title on page 1), before the footer.
    for (std::size_t l = i == 0 ? 6 : 5; l + 1 < lines.size(); ++l) body += lines[l] + " ";
  }
  std::string expected;
  for (const auto& p : spec.paragraphs) expected += p + " ";
  EXPECT_EQ(body, expected);
  EXPECT_TRUE(pages.back().overflow.empty());
}

TEST(Scan, Orientation180TurnsThePageUpsideDown) {
  Image page = Image::blank(200, 100, PixelFormat::kGray8, 300);
  for (int y = 10; y < 30; ++y) {
    for (int x = 10; x < 40; ++x) page.row(y)[static_cast<std::size_t>(x)] = 0;
  }
  ScanDefects defects;
  defects.orientation = 180;
  const Image turned = scan(page, defects, 1);
  ASSERT_EQ(turned.width, 200);
  ASSERT_EQ(turned.height, 100);
  EXPECT_EQ(ink(turned, 0, 0, 100, 50), 0);
  EXPECT_EQ(ink(turned, 160, 70, 190, 90), 600);

  // 90: the page was fed turned counter-clockwise, so its top-left corner is at the bottom-left.
  defects.orientation = 90;
  const Image quarter = scan(page, defects, 1);
  ASSERT_EQ(quarter.width, 100);
  ASSERT_EQ(quarter.height, 200);
  EXPECT_EQ(ink(quarter, 10, 160, 30, 190), 600);
}

TEST(Scan, PositiveSkewTurnsCounterClockwise) {
  Image page = Image::blank(1000, 1000, PixelFormat::kGray8, 300);
  for (int y = 498; y < 502; ++y) {
    for (int x = 100; x < 900; ++x) page.row(y)[static_cast<std::size_t>(x)] = 0;
  }
  ScanDefects defects;
  defects.skew_degrees = 5;
  const Image skewed = scan(page, defects, 1);
  // Counter-clockwise on screen: the right end rises (smaller y), the left end drops.
  EXPECT_GT(ink(skewed, 850, 450, 900, 480), 0);
  EXPECT_GT(ink(skewed, 100, 520, 150, 550), 0);
  EXPECT_EQ(ink(skewed, 850, 520, 900, 550), 0);
}

TEST(Scan, IsDeterministicAndHonoursBilevelAndDpi) {
  const Image page = render_page(sample_spec()).image;
  ScanDefects defects;
  defects.skew_degrees = -1.5;
  defects.noise_sigma = 6;
  defects.speckle_density = 1e-5;
  defects.dark_border = true;
  defects.output_dpi = 200;
  defects.bilevel = true;
  const Image a = scan(page, defects, 42);
  const Image b = scan(page, defects, 42);
  EXPECT_EQ(a.format, PixelFormat::kGray1);
  EXPECT_EQ(a.width, 1700);
  EXPECT_EQ(a.height, 2200);
  EXPECT_EQ(a.dpi_x, 200);
  EXPECT_EQ(a.dpi_y, 200);
  EXPECT_EQ(a.pixels, b.pixels);
  EXPECT_NE(scan(page, defects, 43).pixels, a.pixels);
}

TEST(WritePages, G4RoundTripKeepsPagesSizesAndBits) {
  ScanDefects defects;
  defects.bilevel = true;
  const Image first = scan(render_page(sample_spec()).image, defects, 1);
  Image second = Image::blank(640, 480, PixelFormat::kGray1, 200);
  second.row(5)[0] = 0x80;  // one black pixel at (0, 5)
  const fs::path path = temp_path("g4.tif");
  ASSERT_TRUE(write_pages({first, second}, path, Encoding::kTiffG4));

  struct Closer {
    void operator()(TIFF* t) const { TIFFClose(t); }
  };
  std::unique_ptr<TIFF, Closer> tiff(TIFFOpen(path.c_str(), "r"));
  ASSERT_TRUE(tiff);
  EXPECT_EQ(TIFFNumberOfDirectories(tiff.get()), 2);
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::uint16_t compression = 0;
  std::uint16_t photometric = 0;
  float xres = 0;
  TIFFGetField(tiff.get(), TIFFTAG_IMAGEWIDTH, &width);
  TIFFGetField(tiff.get(), TIFFTAG_IMAGELENGTH, &height);
  TIFFGetField(tiff.get(), TIFFTAG_COMPRESSION, &compression);
  TIFFGetField(tiff.get(), TIFFTAG_PHOTOMETRIC, &photometric);
  TIFFGetField(tiff.get(), TIFFTAG_XRESOLUTION, &xres);
  EXPECT_EQ(width, 2550u);
  EXPECT_EQ(height, 3300u);
  EXPECT_EQ(compression, COMPRESSION_CCITTFAX4);
  EXPECT_EQ(photometric, PHOTOMETRIC_MINISWHITE);
  EXPECT_FLOAT_EQ(xres, 300.0f);
  std::vector<std::uint8_t> row(static_cast<std::size_t>(TIFFScanlineSize(tiff.get())));
  int mismatched_rows = 0;
  for (std::uint32_t y = 0; y < height; ++y) {
    ASSERT_EQ(TIFFReadScanline(tiff.get(), row.data(), y, 0), 1);
    const auto expected = first.row(static_cast<int>(y));
    if (!std::equal(row.begin(), row.end(), expected.begin())) ++mismatched_rows;
  }
  EXPECT_EQ(mismatched_rows, 0);

  ASSERT_TRUE(TIFFReadDirectory(tiff.get()));
  TIFFGetField(tiff.get(), TIFFTAG_IMAGEWIDTH, &width);
  TIFFGetField(tiff.get(), TIFFTAG_IMAGELENGTH, &height);
  EXPECT_EQ(width, 640u);
  EXPECT_EQ(height, 480u);
  // G4 decodes sequentially: read up to the marked row.
  for (std::uint32_t y = 0; y <= 5; ++y) ASSERT_EQ(TIFFReadScanline(tiff.get(), row.data(), y, 0), 1);
  EXPECT_EQ(row[0], 0x80);
}

TEST(WritePages, GrayEncodingsAndSingleImageFormats) {
  const Image page = render_page(sample_spec()).image;
  for (Encoding e : {Encoding::kTiffLzw, Encoding::kTiffJpeg, Encoding::kTiffNone, Encoding::kPng, Encoding::kJpeg}) {
    const fs::path path = temp_path("page_" + std::to_string(static_cast<int>(e)));
    ASSERT_TRUE(write_pages({page}, path, e)) << static_cast<int>(e);
    const auto head = read_head(path, 16);
    ASSERT_TRUE(head);
    const FileFormat expected = e == Encoding::kPng    ? FileFormat::kPng
                                : e == Encoding::kJpeg ? FileFormat::kJpeg
                                                       : FileFormat::kTiff;
    EXPECT_EQ(sniff_format(*head), expected);
  }
  const auto two = write_pages({page, page}, temp_path("two.png"), Encoding::kPng);
  ASSERT_FALSE(two);
  EXPECT_EQ(two.error().code, ErrorCode::kInvalidArgument);
}

TEST(Scan, PaperDefectsLandWhereTheySay) {
  const RenderedPage page = render_page(sample_spec());
  ScanDefects d;
  d.punch_holes = true;
  d.folded_corner = 1.0;
  const Image holed = scan(page.image, d, 1);
  // Three dark holes 1/2 inch from the left edge, a dark corner top right.
  for (const double at : {0.25, 0.5, 0.75}) {
    const int y = static_cast<int>(at * 3300);
    EXPECT_GT(ink(holed, 140, y - 10, 160, y + 10), 350) << at;
  }
  EXPECT_GT(ink(holed, 2550 - 60, 0, 2550, 60), 3000);
  EXPECT_EQ(ink(page.image, 2550 - 60, 0, 2550, 60), 0);
  // Cut off: the header moves down by the cut, the page's bottom is gone.
  ScanDefects cut;
  cut.cut_off = 0.1;
  const Image shifted = scan(page.image, cut, 1);
  EXPECT_EQ(ink(shifted, 0, 0, 2550, 330), 0);
  EXPECT_GT(ink(shifted, 300, 630, 1200, 1030), 2000);
  // Faint ink never reaches black; bleed-through darkens blank paper a little.
  ScanDefects faint;
  faint.ink = 150;
  const Image pale = scan(page.image, faint, 1);
  EXPECT_EQ(ink(pale, 0, 0, 2550, 3300), 0);
}

TEST(NearBlank, EachKindHasALittleInkAndItsTruth) {
  for (const NearBlank kind : {NearBlank::kHandwrittenLine, NearBlank::kSignature, NearBlank::kLeftBlankNotice,
                               NearBlank::kShortLine}) {
    const RenderedPage page = render_near_blank(kind, 3);
    const int dark = ink(page.image, 0, 0, page.image.width, page.image.height);
    EXPECT_GT(dark, 1000);
    EXPECT_LT(dark, 40000);  // under half a percent of the page
  }
  EXPECT_EQ(render_near_blank(NearBlank::kLeftBlankNotice, 1).ground_truth, "This page intentionally left blank");
  EXPECT_EQ(render_near_blank(NearBlank::kSignature, 1).ground_truth, "");
  EXPECT_EQ(render_near_blank(NearBlank::kLightStamp, 1).ground_truth, "RECEIVED");
  EXPECT_FALSE(render_near_blank(NearBlank::kShortLine, 1).ground_truth.empty());
}

TEST(CharacterErrorRate, BasicCases) {
  EXPECT_DOUBLE_EQ(character_error_rate("hello world", "hello world"), 0.0);
  EXPECT_DOUBLE_EQ(character_error_rate("  hello \n\n world ", "hello world"), 0.0);
  EXPECT_DOUBLE_EQ(character_error_rate("abcdefghij", "abcdefghiX"), 0.1);
  EXPECT_DOUBLE_EQ(character_error_rate("abcdefghij", "abcdefghi"), 0.1);
  EXPECT_DOUBLE_EQ(character_error_rate("abcd", ""), 1.0);
  EXPECT_DOUBLE_EQ(character_error_rate("", ""), 0.0);
  EXPECT_DOUBLE_EQ(character_error_rate("", "x"), 1.0);
}

TEST(Data, BuiltInFallbacksWhenFilesAreMissing) {
  const auto patients = load_patients("/nonexistent/patients.csv");
  EXPECT_GE(patients.size(), 8u);
  const auto samples = load_samples("/nonexistent/mtsamples.csv");
  EXPECT_GE(samples.size(), 4u);
  for (const auto& s : samples) EXPECT_FALSE(s.paragraphs.empty());
}

TEST(Data, SyntheaCsvWithQuotedFields) {
  const fs::path path = temp_path("patients.csv");
  std::ofstream(path) << "Id,BIRTHDATE,DEATHDATE,SSN,DRIVERS,PASSPORT,PREFIX,FIRST,LAST,SUFFIX,MAIDEN,MARITAL,"
                         "RACE,ETHNICITY,GENDER\r\n"
                         "a1,1970-01-02,,,,,Mr.,Sean12,\"O'Brien34\",,,,white,nonhispanic,M\r\n"
                         "b2,1980-03-04,,,,,Ms.,\"Ann, \"\"Annie\"\"\n5\",Lee9,,,,asian,nonhispanic,F\r\n";
  const auto patients = load_patients(path);
  ASSERT_EQ(patients.size(), 2u);
  EXPECT_EQ(patients[0].given_name, "Sean");
  EXPECT_EQ(patients[0].family_name, "O'Brien");
  EXPECT_EQ(patients[0].sex, 'M');
  EXPECT_EQ(patients[0].birth_date, "1970-01-02");
  EXPECT_EQ(patients[1].given_name, "Ann, \"Annie\"");
  EXPECT_EQ(patients[1].sex, 'F');
  for (const auto& p : patients) {
    ASSERT_EQ(p.mrn.size(), 8u);
    EXPECT_NE(p.mrn[0], '0');
  }
  EXPECT_EQ(load_patients(path)[0].mrn, patients[0].mrn);  // deterministic
}

TEST(Data, OneNoteListedUnderSeveralSpecialtiesHasOneType) {
  const fs::path path = temp_path("mtsamples.csv");
  const std::string soap = "\"SUBJECTIVE:,  Brings her food diary.,OBJECTIVE:,  Weight is down.,EARS, NOSE, MOUTH AND THROAT: "
                           "Clear.,PLAN:,  Return in a month.\"";
  const std::string consult = "\"HISTORY OF PRESENT ILLNESS:,  Seen in the emergency room at the request of Dr. X.\"";
  std::ofstream(path) << "note_id,description,medical_specialty,sample_name,transcription,keywords\n"
                      << "1,d,SOAP / Chart / Progress Notes,Dietary Consult - 1," << soap << ",k\n"
                      << "2,d,Consult - History and Phy.,Dietary Consult - 1," << soap << ",k\n"
                      << "3,d,Diets and Nutritions,Dietary Consult - 1," << soap << ",k\n"
                      << "4,d,Emergency Room Reports,Hernia - ER Consult," << consult << ",k\n"
                      << "5,d,Consult - History and Phy.,Hernia - ER Consult," << consult << ",k\n"
                      << "6,d,Emergency Room Reports,Fall & Laceration,\"CC:,  Fall.\",k\n";
  const auto samples = load_samples(path);
  ASSERT_EQ(samples.size(), 6u);
  // Row by row the specialties disagree; the note gets one type.
  EXPECT_EQ(sample_doc_type(samples[0]), "progress_note");
  EXPECT_EQ(sample_doc_type(samples[1]), "history_and_physical");
  EXPECT_EQ(sample_doc_type(samples[2]), "");
  const auto types = sample_doc_types(samples);
  ASSERT_EQ(types.size(), 6u);
  for (int i : {0, 1, 2}) EXPECT_EQ(types[static_cast<std::size_t>(i)], "progress_note") << i;  // SOAP layout
  // A specialist's consult in the ER is filed as a consult (history and
  // physical); the ER's own note stays an emergency note.
  EXPECT_EQ(types[3], "history_and_physical");
  EXPECT_EQ(types[4], "history_and_physical");
  EXPECT_EQ(types[5], "emergency_note");
  // "EARS, NOSE, MOUTH AND THROAT:" is one heading, kept in one paragraph.
  EXPECT_NE(std::ranges::find(samples[0].paragraphs, "EARS, NOSE, MOUTH AND THROAT: Clear."), samples[0].paragraphs.end());
}

TEST(Data, ProceduresAndRadiationTherapyUnderRadiology) {
  const fs::path path = temp_path("mtsamples-radiology.csv");
  std::ofstream(path) << "note_id,description,medical_specialty,sample_name,transcription,keywords\n"
                      << "1,d,Radiology,CT Chest,\"EXAM:,  CT chest.,IMPRESSION:,  Normal.\",k\n"
                      << "2,d,Radiology,IV Infusion,\"PREOPERATIVE DIAGNOSIS:,  Syncope.,POSTOPERATIVE DIAGNOSIS:,  Same."
                         ",PROCEDURES:,  Electrophysiology study.\",k\n"
                      << "3,d,Radiology,Hyperfractionation,\"HYPERFRACTIONATION,This patient is to undergo a course "
                         "of radiotherapy.\",k\n";
  const auto types = sample_doc_types(load_samples(path));
  ASSERT_EQ(types.size(), 3u);
  EXPECT_EQ(types[0], "radiology_report");
  EXPECT_EQ(types[1], "operative_report");
  EXPECT_EQ(types[2], "");  // a radiation therapy plan fits no type of the set
}

TEST(Data, SharedDataLoadsWithUniqueMrnsAndHeadingParagraphs) {
  const fs::path dir = shared_data_dir();
  if (!fs::exists(dir / "patients_dev.csv") || !fs::exists(dir / "mtsamples_dev.csv")) {
    GTEST_SKIP() << "shared data not found at " << dir;
  }
  const auto patients = load_patients(dir / "patients_dev.csv");
  EXPECT_GT(patients.size(), 200u);
  std::set<std::string> mrns;
  for (const auto& p : patients) {
    mrns.insert(p.mrn);
    EXPECT_EQ(p.family_name.find_first_of("0123456789"), std::string::npos);
  }
  EXPECT_EQ(mrns.size(), patients.size());

  const auto samples = load_samples(dir / "mtsamples_dev.csv", 5);
  ASSERT_EQ(samples.size(), 5u);
  EXPECT_EQ(samples[0].specialty, "Cardiovascular / Pulmonary");
  EXPECT_EQ(samples[0].title, "2-D Echocardiogram");
  ASSERT_FALSE(samples[0].paragraphs.empty());
  EXPECT_EQ(samples[0].paragraphs[0], "2-D M-MODE:");
  EXPECT_EQ(samples[0].paragraphs[1], "1. Left atrial enlargement with left atrial diameter of 4.7 cm.");
  EXPECT_EQ(samples[1].paragraphs[0], "PREOPERATIVE DIAGNOSIS: Lipodystrophy of the abdomen and thighs.");
}

}  // namespace
}  // namespace chartroom::testgen
