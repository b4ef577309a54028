// negsim report: the plots and the self-contained HTML report of a run's
// output directory (read from its summary.json and CSV files).
#pragma once

#include <string>
#include <vector>

namespace negsim {

/// What `negsim report` produced.
struct ReportResult {
  std::vector<std::string> plots;    ///< images written (PNG and SVG), relative to the directory
  std::vector<std::string> skipped;  ///< plots not drawn, each with the reason
};

/// Draws the plots of a `negsim run` output directory (with the scripts in
/// plots/, when a Python with matplotlib and pandas is found), adds them to
/// DIR/report.md and, with `html`, writes the self-contained DIR/report.html
/// (images embedded). Throws std::runtime_error naming a file it cannot
/// read or write.
ReportResult write_report(const std::string& dir, bool html);

}  // namespace negsim
