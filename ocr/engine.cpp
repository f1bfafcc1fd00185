// The Tesseract engine behind ocr.h. Tesseract types stay in this folder.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fmt/core.h>
#include <mutex>
#include <system_error>

#include <tesseract/baseapi.h>
#include <tesseract/ocrclass.h>
#include <tesseract/renderer.h>
#include <tesseract/resultiterator.h>

#include "ocr/ocr.h"
#include "ocr/pix.h"

namespace chartroom::ocr {

namespace {

// Tesseract allocates result text with new[]; this frees it.
struct TextDeleter {
  void operator()(char* text) const { delete[] text; }
};
using TextPtr = std::unique_ptr<char[], TextDeleter>;

std::string take_text(char* text) {
  const TextPtr owned(text);
  return owned ? std::string(owned.get()) : std::string();
}

// "chi_sim" -> "tesseract-ocr-chi-sim", Debian's naming.
std::string debian_package(std::string language) {
  for (char& c : language) {
    if (c == '_') c = '-';
  }
  return "tesseract-ocr-" + to_lower_ascii(language);
}

Error missing_language(const EngineOptions& options) {
  std::string packages;
  std::string_view rest = options.language;
  while (!rest.empty()) {  // "eng+deu" names several languages
    const auto plus = rest.find('+');
    const auto one = rest.substr(0, plus);
    if (!one.empty()) packages += (packages.empty() ? "" : " ") + debian_package(std::string(one));
    rest = plus == std::string_view::npos ? std::string_view() : rest.substr(plus + 1);
  }
  const std::string where = options.tessdata_dir.empty() ? "" : " in " + options.tessdata_dir;
  return Error{ErrorCode::kOcr, fmt::format("Tesseract language data '{}' not found{}; install the Debian package {}",
                                            options.language, where, packages)};
}

// A box Tesseract found on the page scaled up by `factor`, in the pixels of
// the page as given.
Box scaled_box(int left, int top, int right, int bottom, int factor) {
  const auto at = [factor](int v) { return static_cast<int>(std::lround(static_cast<double>(v) / factor)); };
  return Box{at(left), at(top), at(right) - at(left), at(bottom) - at(top)};
}

// Removes a half-written file when a PDF write fails part way.
void remove_quietly(const std::filesystem::path& path) {
  std::error_code ignored;
  std::filesystem::remove(path, ignored);
}

}  // namespace

void limit_openmp_threads() { setenv("OMP_THREAD_LIMIT", "1", 0); }

std::string tesseract_version() { return tesseract::TessBaseAPI::Version(); }

struct Engine::Impl {
  tesseract::TessBaseAPI api;
  EngineOptions options;

  // `original`, when set, is the page as given where Tesseract read it
  // scaled up `factor` times: the PDF embeds it instead (see write_pdf).
  Status write_pdf(const ReadOptions& read_options, const std::string& what, PIX* original, int factor);
};

Engine::Engine() : impl_(std::make_unique<Impl>()) {}
Engine::~Engine() = default;

Result<std::unique_ptr<Engine>> Engine::create(const EngineOptions& options) {
  std::unique_ptr<Engine> engine(new Engine());  // the constructor is private to keep creation here
  auto& api = engine->impl_->api;
  engine->impl_->options = options;

  // debug_file is a process-wide Tesseract setting; set it once, before any
  // engine can print, so that tprintf noise does not reach our logs.
  static std::once_flag quiet;
  std::call_once(quiet, [&api] { api.SetVariable("debug_file", "/dev/null"); });

  const char* datapath = options.tessdata_dir.empty() ? nullptr : options.tessdata_dir.c_str();
  if (api.Init(datapath, options.language.c_str(), tesseract::OEM_LSTM_ONLY) != 0 &&
      api.Init(datapath, options.language.c_str(), tesseract::OEM_DEFAULT) != 0) {
    return std::unexpected(missing_language(options));
  }
  if (options.page_segmentation < 0 || options.page_segmentation >= tesseract::PSM_COUNT) {
    return fail(ErrorCode::kInvalidArgument,
                fmt::format("page segmentation mode {} is not one Tesseract knows (0..{})", options.page_segmentation,
                            static_cast<int>(tesseract::PSM_COUNT) - 1));
  }
  api.SetPageSegMode(static_cast<tesseract::PageSegMode>(options.page_segmentation));
  if (!api.SetVariable("jpg_quality", std::to_string(options.jpeg_quality).c_str())) {
    return fail(ErrorCode::kOcr, "this Tesseract build has no jpg_quality setting");
  }
  return engine;
}

std::string Engine::describe() const {
  return fmt::format("tesseract {}, {}, psm {}", tesseract_version(), impl_->options.language,
                     impl_->options.page_segmentation);
}

Result<PageText> Engine::read(const Image& page, const ReadOptions& options, const std::string& what) {
  auto& api = impl_->api;
  if (!options.pdf_path.empty() && options.pdf_path.extension() != ".pdf") {
    return fail(ErrorCode::kInvalidArgument,
                fmt::format("{}: PDF path {} must end in .pdf", what, options.pdf_path.string()));
  }
  auto pix = image_to_pix(page);
  if (!pix) return fail(pix.error().code, fmt::format("{}: {}", what, pix.error().message));

  const int dpi = effective_dpi(page.dpi_y ? page.dpi_y : page.dpi_x);
  const EngineOptions& engine_options = impl_->options;
  const bool upsampled = dpi < engine_options.min_dpi && engine_options.upsample_dpi > dpi;
  // A whole factor, so that the PDF can carry the original pixels repeated
  // (see write_pdf): 150 dpi is read at 300, 100 dpi at 300, 120 dpi at 360.
  const int factor = upsampled ? (engine_options.upsample_dpi + dpi - 1) / dpi : 1;
  PixPtr larger;
  if (upsampled) {
    larger = upsample(pix->get(), factor);
    if (!larger) return fail(ErrorCode::kTooLarge, fmt::format("{}: cannot scale the page up for reading", what));
  }
  // SetImage copies the pixels, so the PIX may go when this function ends.
  api.SetImage(upsampled ? larger.get() : pix->get());
  api.SetSourceResolution(dpi * factor);
  // The PDF renderer reads the input name as a file (JPEG passthrough); a
  // page read as it is has no file, so it must embed the image it was given.
  api.SetInputName(nullptr);
  // The deadline starts here, so it bounds recognition (Tesseract checks it
  // between words); the cancel callback checks it too, for the passes that
  // look only at the callback.
  tesseract::ETEXT_DESC monitor;
  const double limit = impl_->options.max_seconds_per_page;
  if (limit > 0) {
    monitor.set_deadline_msecs(static_cast<std::int32_t>(std::clamp(limit * 1000.0, 1.0, 2.0e9)));
    monitor.cancel = [](void* self, int) { return static_cast<tesseract::ETEXT_DESC*>(self)->deadline_exceeded(); };
    monitor.cancel_this = &monitor;
  }
  const int recognized = api.Recognize(limit > 0 ? &monitor : nullptr);
  const bool stopped = limit > 0 && monitor.deadline_exceeded();
  if (recognized != 0 && !stopped) {
    api.Clear();
    return fail(ErrorCode::kOcr, fmt::format("{}: Tesseract could not recognise the page", what));
  }

  PageText result;
  result.image_width = page.width;
  result.image_height = page.height;
  result.text = take_text(api.GetUTF8Text());
  result.mean_confidence = static_cast<float>(api.MeanTextConf());
  result.ocr_stopped = stopped;

  const std::unique_ptr<tesseract::ResultIterator> it(api.GetIterator());
  int block = -1;
  int line = -1;
  if (it && !it->Empty(tesseract::RIL_WORD)) {
    do {
      if (it->IsAtBeginningOf(tesseract::RIL_BLOCK)) ++block;
      if (it->IsAtBeginningOf(tesseract::RIL_TEXTLINE)) ++line;
      Word word;
      word.text = take_text(it->GetUTF8Text(tesseract::RIL_WORD));
      int left = 0, top = 0, right = 0, bottom = 0;
      it->BoundingBox(tesseract::RIL_WORD, &left, &top, &right, &bottom);
      word.box = upsampled ? scaled_box(left, top, right, bottom, factor) : Box{left, top, right - left, bottom - top};
      word.confidence = it->Confidence(tesseract::RIL_WORD);
      word.block = block < 0 ? 0 : block;
      word.line = line < 0 ? 0 : line;
      if (!word.text.empty()) result.words.push_back(std::move(word));
    } while (it->Next(tesseract::RIL_WORD));
  }

  Status pdf;
  if (!options.pdf_path.empty()) pdf = impl_->write_pdf(options, what, upsampled ? pix->get() : nullptr, factor);
  api.Clear();  // frees the page; the engine keeps its models
  if (!pdf) return std::unexpected(pdf.error());
  return result;
}

Status Engine::Impl::write_pdf(const ReadOptions& read_options, const std::string& what, PIX* original,
                               int factor) {
  // The renderer appends ".pdf" to its output base. It writes to a side name
  // first so that a failed write never leaves a half PDF at pdf_path.
  auto base = read_options.pdf_path;
  base.replace_extension(".part");
  auto written = base;
  written += ".pdf";
  // A page read scaled up: the renderer sizes the page and places the words
  // by the image it read and that image's resolution (the original's size on
  // paper), and embeds the input image. A 1-bit page is given back as its own
  // pixels repeated `factor` times each way, which G4 stores for little more
  // than the original (a repeated row costs one code per change) and which
  // shows exactly the scan. A gray or colour page is written as a JPEG file
  // named as the input, which the renderer embeds as it is, at its own size.
  std::filesystem::path source;
  if (original != nullptr && pixGetDepth(original) == 1) {
    PIX* repeated = pixExpandReplicate(original, factor);
    if (repeated == nullptr) return fail(ErrorCode::kTooLarge, fmt::format("{}: cannot make the page PDF", what));
    api.SetInputImage(repeated);  // Tesseract owns it from here
  } else if (original != nullptr) {
    source = base;
    source.replace_extension(".src.jpg");
    if (pixWriteJpeg(source.c_str(), original, options.jpeg_quality, 0) != 0) {
      remove_quietly(source);
      return fail(ErrorCode::kIo, fmt::format("{}: cannot write {} for the PDF; free disk space or fix "
                                              "permissions, then run again",
                                              what, source.string()));
    }
    api.SetInputName(source.c_str());
  }
  struct RemoveSource {
    const std::filesystem::path& path;
    ~RemoveSource() {
      if (!path.empty()) remove_quietly(path);
    }
  } remove_source{source};
  {
    tesseract::TessPDFRenderer renderer(base.c_str(), api.GetDatapath(), /*textonly=*/false);
    const bool ok = renderer.BeginDocument(read_options.title.c_str()) && renderer.AddImage(&api) &&
                    renderer.EndDocument() && renderer.happy();
    if (!ok) {
      remove_quietly(written);
      return fail(ErrorCode::kOcr, fmt::format("{}: Tesseract could not write the PDF {} (missing {}/pdf.ttf, or "
                                               "the folder is not writable)",
                                               what, read_options.pdf_path.string(), api.GetDatapath()));
    }
  }  // the renderer closes its file here
  std::error_code error;
  std::filesystem::rename(written, read_options.pdf_path, error);
  if (error) {
    remove_quietly(written);
    return fail(ErrorCode::kIo, fmt::format("{}: cannot move the PDF into place at {}: {}", what,
                                            read_options.pdf_path.string(), error.message()));
  }
  return {};
}

}  // namespace chartroom::ocr
