// Scanner-style PDFs written with qpdf: one image per page filling the page
// (the JPEG bytes as /DCTDecode, or libtiff's G4 strip as /CCITTFaxDecode),
// the page sized from the image's pixels and dpi, as network scanners write them.
#include <tiffio.h>

#include <exception>
#include <memory>
#include <opencv2/imgcodecs.hpp>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFWriter.hh>

#include "tests/gen/testgen.h"
#include "tests/gen/testgen_internal.h"

namespace chartroom::testgen {
namespace {

struct TiffCloser {
  void operator()(TIFF* tiff) const { TIFFClose(tiff); }
};

// The CCITT G4 data of one bilevel page: libtiff's single strip, as a scanner's PDF carries it.
Result<std::string> g4_bytes(const Image& page, const std::filesystem::path& scratch) {
  if (Status ok = write_pages({page}, scratch, Encoding::kTiffG4); !ok) return std::unexpected(ok.error());
  std::unique_ptr<TIFF, TiffCloser> tiff(TIFFOpen(scratch.c_str(), "r"));
  if (!tiff || TIFFNumberOfStrips(tiff.get()) != 1) {
    return fail(ErrorCode::kInternal, scratch.string() + ": not a one-strip G4 TIFF");
  }
  std::string bytes(static_cast<std::size_t>(TIFFRawStripSize(tiff.get(), 0)), '\0');
  if (TIFFReadRawStrip(tiff.get(), 0, bytes.data(), static_cast<tmsize_t>(bytes.size())) < 0) {
    return fail(ErrorCode::kInternal, scratch.string() + ": cannot read the G4 strip");
  }
  tiff.reset();
  std::filesystem::remove(scratch);
  return bytes;
}

Result<std::string> jpeg_bytes(const Image& page) {
  const Image gray = detail::to_gray8(page);
  const cv::Mat mat(gray.height, gray.width, CV_8UC1, const_cast<std::uint8_t*>(gray.pixels.data()),
                    static_cast<std::size_t>(gray.stride));
  std::vector<std::uint8_t> bytes;
  if (!cv::imencode(".jpg", mat, bytes, {cv::IMWRITE_JPEG_QUALITY, 85})) {
    return fail(ErrorCode::kInternal, "OpenCV could not encode the page as JPEG");
  }
  return std::string(bytes.begin(), bytes.end());
}

// One image XObject holding the page's pixels as the scanner compressed them.
Result<QPDFObjectHandle> image_object(QPDF& pdf, const Image& page, bool g4,
                                      const std::filesystem::path& scratch) {
  auto bytes = g4 ? g4_bytes(detail::to_gray1(page), scratch) : jpeg_bytes(page);
  if (!bytes) return std::unexpected(bytes.error());
  const std::string w = std::to_string(page.width);
  const std::string h = std::to_string(page.height);
  QPDFObjectHandle image = QPDFObjectHandle::newStream(&pdf);
  image.replaceDict(QPDFObjectHandle::parse("<< /Type /XObject /Subtype /Image /Width " + w + " /Height " +
                                            h + " /ColorSpace /DeviceGray /BitsPerComponent " +
                                            (g4 ? "1" : "8") + " >>"));
  if (g4) {
    image.replaceStreamData(
        *bytes, QPDFObjectHandle::newName("/CCITTFaxDecode"),
        QPDFObjectHandle::parse("<< /K -1 /Columns " + w + " /Rows " + h + " /BlackIs1 false >>"));
  } else {
    image.replaceStreamData(*bytes, QPDFObjectHandle::newName("/DCTDecode"), QPDFObjectHandle::newNull());
  }
  return image;
}

// The PDF string literal of `text`, with its delimiters escaped.
std::string pdf_string(const std::string& text) {
  std::string out = "(";
  for (const char c : text) {
    if (c == '(' || c == ')' || c == '\\') out += '\\';
    out += c;
  }
  return out + ")";
}

Status add_page(QPDF& pdf, const Image& page, bool g4, const PdfExtras& extras,
                const std::filesystem::path& scratch) {
  auto image = image_object(pdf, page, g4, scratch);
  if (!image) return std::unexpected(image.error());
  const int dpi = page.dpi_x > 0 ? page.dpi_x : 300;
  const std::string width_pt = std::to_string(page.width * 72.0 / dpi);
  const std::string height_pt = std::to_string(page.height * 72.0 / dpi);
  std::string content = "q " + width_pt + " 0 0 " + height_pt + " 0 0 cm /Im0 Do Q\n";
  if (!extras.text_layer.empty()) {
    // Invisible (3 Tr), as a scanner's own OCR layer lies over its image.
    content += "BT 3 Tr /F1 12 Tf 72 " + std::to_string(page.height * 72.0 / dpi - 72) + " Td " +
               pdf_string(extras.text_layer) + " Tj ET\n";
  }
  QPDFObjectHandle resources = QPDFObjectHandle::parse(
      "<< /XObject << >> /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>");
  resources.getKey("/XObject").replaceKey("/Im0", *image);
  QPDFObjectHandle dict =
      QPDFObjectHandle::parse("<< /Type /Page /MediaBox [0 0 " + width_pt + " " + height_pt + "] >>");
  dict.replaceKey("/Resources", resources);
  dict.replaceKey("/Contents", QPDFObjectHandle::newStream(&pdf, content));
  QPDFPageDocumentHelper(pdf).addPage(QPDFPageObjectHelper(pdf.makeIndirectObject(dict)), false);
  return {};
}

Status write_qpdf(QPDF& pdf, const std::filesystem::path& temp, const PdfExtras& extras) {
  QPDFWriter writer(pdf, temp.c_str());
  writer.setStaticID(true);  // the same bytes every run
  writer.setStreamDataMode(qpdf_s_preserve);
  if (extras.encrypted) {
    writer.setR6EncryptionParameters("secret", "owner", true, true, true, true, true, true, qpdf_r3p_full,
                                     true);
  }
  writer.write();
  return {};
}

}  // namespace

Status write_pdf(const std::vector<Image>& pages, const std::filesystem::path& path, Encoding encoding,
                 const PdfExtras& extras) {
  if (pages.empty()) return fail(ErrorCode::kInvalidArgument, path.string() + ": no pages to write");
  if (encoding != Encoding::kPdfG4 && encoding != Encoding::kPdfJpeg) {
    return fail(ErrorCode::kInvalidArgument, path.string() + ": write_pdf takes kPdfG4 or kPdfJpeg");
  }
  std::filesystem::path temp = path;
  temp.replace_filename("." + path.filename().string() + ".part");
  std::filesystem::path scratch = path;
  scratch.replace_filename("." + path.filename().string() + ".g4.tif");
  try {
    QPDF pdf;
    pdf.emptyPDF();
    for (const Image& page : pages) {
      if (Status ok = add_page(pdf, page, encoding == Encoding::kPdfG4, extras, scratch); !ok) return ok;
    }
    if (extras.open_action_javascript) {
      pdf.getRoot().replaceKey("/OpenAction",
                               QPDFObjectHandle::parse("<< /S /JavaScript /JS (app.alert\\('hello'\\);) >>"));
    }
    if (Status ok = write_qpdf(pdf, temp, extras); !ok) return ok;
  } catch (const std::exception& e) {
    return fail(ErrorCode::kInternal, path.string() + ": qpdf: " + e.what());
  }
  std::error_code ec;
  std::filesystem::permissions(temp, std::filesystem::perms(0644), ec);
  return commit_file_atomic(temp, path);
}

}  // namespace chartroom::testgen
