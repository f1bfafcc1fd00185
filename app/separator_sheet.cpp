// `chartroom separator-sheet`: prints chartroom's own separator sheet.
#include <iostream>

#include "app/commands.h"
#include "capture/capture.h"

namespace chartroom::app {

int run_separator_sheet(const std::string& value, const std::string& mrn, const std::filesystem::path& out) {
  capture::SeparatorSheet spec;
  spec.value = value;
  spec.mrn = mrn;
  auto sheet = capture::render_separator_sheet(spec);
  if (!sheet) {
    std::cerr << "chartroom: " << sheet.error().message << "\n";
    return 2;
  }
  if (auto written = capture::write_image(*sheet, out); !written) {
    std::cerr << "chartroom: " << written.error().message << "\n";
    return 1;
  }
  std::cout << "Wrote a separator sheet (Code 39 \"" << spec.value << "\""
            << (mrn.empty() ? std::string() : ", MRN " + mrn + " as Code 128") << ") to " << out.string()
            << ".\nPrint it at actual size (100%, no \"fit to page\") and put it in front of each document.\n";
  return 0;
}

}  // namespace chartroom::app
