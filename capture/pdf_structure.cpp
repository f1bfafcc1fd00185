// qpdf's view of a PDF: refused (encrypted, damaged, active content) or the
// size of each page and of its largest image, so that the page can be drawn
// at the resolution it was scanned at.
#include "capture/pdf_structure.h"

#include <cmath>
#include <exception>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>
#include <set>
#include <utility>

namespace chartroom::capture::detail {
namespace {

// Every object reachable from the trailer, each indirect one once; bounded
// so that a hostile file cannot keep the walk going for ever.
constexpr std::size_t kMaxVisits = 2'000'000;

bool is_name(QPDFObjectHandle object, const char* name) {
  return object.isName() && object.getName() == name;
}

// What makes a dictionary active content, or "" when it is not.
std::string active_content(QPDFObjectHandle dict) {
  if (dict.hasKey("/JS")) return "an action that runs JavaScript (/JS)";
  if (dict.hasKey("/JavaScript")) return "document-level JavaScript (/JavaScript in its name tree)";
  if (dict.hasKey("/AA")) return "actions that run by themselves when it is opened or viewed (/AA)";
  const QPDFObjectHandle kind = dict.getKey("/S");
  if (is_name(kind, "/JavaScript")) return "an action that runs JavaScript";
  if (is_name(kind, "/Launch")) return "an action that starts a program (/Launch)";
  return "";
}

// Walks every object; resolving each one is also what surfaces damage.
std::string find_active_content(QPDF& pdf) {
  std::vector<QPDFObjectHandle> todo{pdf.getTrailer()};
  std::set<QPDFObjGen> seen;
  for (std::size_t visits = 0; !todo.empty() && visits < kMaxVisits; ++visits) {
    QPDFObjectHandle object = todo.back();
    todo.pop_back();
    if (object.isIndirect() && !seen.insert(object.getObjGen()).second) continue;
    if (object.isArray()) {
      for (auto& item : object.aitems()) todo.push_back(item);
      continue;
    }
    QPDFObjectHandle dict = object.isStream() ? object.getDict() : object;
    if (!dict.isDictionary()) continue;
    if (std::string why = active_content(dict); !why.empty()) return why;
    for (auto& [key, value] : dict.ditems()) {
      if (key != "/Parent") todo.push_back(value);  // the page tree is reached from the root
    }
  }
  return "";
}

bool has_filter(QPDFObjectHandle dict, const char* name) {
  QPDFObjectHandle filter = dict.getKey("/Filter");
  if (is_name(filter, name)) return true;
  if (!filter.isArray()) return false;
  for (auto& item : filter.aitems()) {
    if (is_name(item, name)) return true;
  }
  return false;
}

bool is_colour(QPDFObjectHandle space) {
  if (space.isArray() && space.getArrayNItems() > 0) {
    QPDFObjectHandle family = space.getArrayItem(0);
    if (is_name(family, "/ICCBased") && space.getArrayNItems() > 1 && space.getArrayItem(1).isStream()) {
      QPDFObjectHandle n = space.getArrayItem(1).getDict().getKey("/N");
      return n.isInteger() && n.getIntValue() >= 3;
    }
    return is_name(family, "/Indexed") || is_name(family, "/Lab") || is_name(family, "/CalRGB") ||
           is_name(family, "/DeviceN");
  }
  return is_name(space, "/DeviceRGB") || is_name(space, "/DeviceCMYK") || is_name(space, "/CalRGB");
}

void take_largest_image(QPDFPageObjectHelper& page, PdfPageFacts& facts) {
  page.forEachImage(true, [&facts](QPDFObjectHandle& image, QPDFObjectHandle&, std::string const&) {
    QPDFObjectHandle dict = image.getDict();
    QPDFObjectHandle width = dict.getKey("/Width");
    QPDFObjectHandle height = dict.getKey("/Height");
    if (!width.isInteger() || !height.isInteger()) return;
    const long long w = width.getIntValue();
    const long long h = height.getIntValue();
    if (w <= 0 || h <= 0 || w > (1LL << 31) || h > (1LL << 31)) return;
    if (w * h <= facts.image_width * facts.image_height) return;
    facts.image_width = w;
    facts.image_height = h;
    QPDFObjectHandle mask = dict.getKey("/ImageMask");
    QPDFObjectHandle bits = dict.getKey("/BitsPerComponent");
    facts.bilevel = (mask.isBool() && mask.getBoolValue()) || (bits.isInteger() && bits.getIntValue() == 1) ||
                    has_filter(dict, "/CCITTFaxDecode") || has_filter(dict, "/JBIG2Decode");
    facts.colour = !facts.bilevel && is_colour(dict.getKey("/ColorSpace"));
  });
}

PdfPageFacts page_facts(QPDFPageObjectHelper& page) {
  PdfPageFacts facts;
  QPDFObjectHandle box = page.getCropBox();
  if (box.isRectangle()) {
    const QPDFObjectHandle::Rectangle r = box.getArrayAsRectangle();
    facts.width_pt = std::fabs(r.urx - r.llx);
    facts.height_pt = std::fabs(r.ury - r.lly);
  }
  if (!std::isfinite(facts.width_pt) || !std::isfinite(facts.height_pt)) facts.width_pt = facts.height_pt = 0;
  QPDFObjectHandle rotate = page.getAttribute("/Rotate", false);
  if (rotate.isInteger())
    facts.rotate = static_cast<int>(((rotate.getIntValue() % 360) + 360) % 360 / 90 * 90);
  take_largest_image(page, facts);
  return facts;
}

PdfFacts refused(PdfVerdict verdict, std::string detail) {
  PdfFacts facts;
  facts.verdict = verdict;
  facts.detail = std::move(detail);
  return facts;
}

PdfFacts inspect(QPDF& pdf, const std::uint8_t* data, std::size_t size, std::size_t max_pages) {
  pdf.setSuppressWarnings(true);
  // No guessing at a broken cross-reference table: a file cut short is damaged.
  pdf.setAttemptRecovery(false);
  try {
    pdf.processMemoryFile("PDF", reinterpret_cast<const char*>(data), size);
  } catch (const QPDFExc& e) {
    if (e.getErrorCode() == qpdf_e_password) return refused(PdfVerdict::kEncrypted, "");
    return refused(PdfVerdict::kDamaged, e.getMessageDetail());
  }
  if (pdf.isEncrypted()) return refused(PdfVerdict::kEncrypted, "");
  if (std::string why = find_active_content(pdf); !why.empty()) return refused(PdfVerdict::kJavaScript, why);
  PdfFacts facts;
  std::vector<QPDFPageObjectHelper> pages = QPDFPageDocumentHelper(pdf).getAllPages();
  facts.page_count = pages.size();
  if (pages.size() > max_pages) return refused(PdfVerdict::kTooManyPages, std::to_string(pages.size()));
  for (QPDFPageObjectHelper& page : pages) facts.pages.push_back(page_facts(page));
  if (pdf.anyWarnings()) {
    std::vector<QPDFExc> warnings = pdf.getWarnings();
    return refused(PdfVerdict::kDamaged, warnings.front().getMessageDetail());
  }
  return facts;
}

}  // namespace

PdfFacts inspect_pdf(const std::uint8_t* data, std::size_t size, std::size_t max_pages) {
  try {
    QPDF pdf;
    return inspect(pdf, data, size, max_pages);
  } catch (const QPDFExc& e) {
    return refused(PdfVerdict::kDamaged, e.getMessageDetail());
  } catch (const std::exception& e) {
    return refused(PdfVerdict::kDamaged, e.what());
  }
}

}  // namespace chartroom::capture::detail
