// Writers of the Monte Carlo outputs: summary.json, report.md, runs.csv and
// a sweep's points.csv and sensitivity tables, with their provenance. Names
// of outcomes, causes, events and parameters come from the negotiation's
// Catalog.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "negsim/engine.hpp"
#include "negsim/model.hpp"
#include "negsim/score.hpp"
#include "negsim/sweep.hpp"
#include "negsim/sweep_store.hpp"

namespace negsim {

/// Where a set of results came from, written into every output.
struct Provenance {
  std::string scenario_file;
  std::string scenario_sha1;  ///< of the file's bytes
  std::string resolved_sha1;  ///< of the resolved scenario (overrides applied)
  std::vector<std::string> overrides;
  std::uint64_t seed = 0;
  int threads = 1;
  double wall_seconds = 0;
  std::string date;      ///< UTC, ISO 8601
  std::string stopping;  ///< "fixed" or "precision"
  std::optional<double> precision;
  std::uint64_t max_runs = 0;
  bool precision_reached = false;
  bool cancelled = false;
  double peak_rss_mib = 0;  ///< the process's peak resident memory
};

/// SHA-1 of a text, in hex (an identity for provenance, not a security hash).
std::string sha1_hex(const std::string& bytes);

/// The current UTC time as "2026-11-22T20:41:05Z".
std::string utc_now();

/// summary.json: every aggregate of DESIGN §5, with provenance, and with a
/// score against an observed course the `score` section (docs/SCORING.md).
std::string summary_json(const model::Negotiation& negotiation, const Tally& tally,
                         const Provenance& provenance, const Score* score = nullptr);

/// A sweep point's stored record: counts and the aggregates of summary.json
/// (without provenance, which belongs to the sweep's manifest).
PointRecord point_record(const model::Negotiation& negotiation, std::size_t point,
                         const std::vector<double>& values, const Tally& tally);

/// The manifest identifying a sweep (what must match to resume or merge).
Manifest sweep_manifest(const Scenario& base, const std::string& scenario_file,
                        const std::string& design_text, const SweepOptions& options,
                        std::size_t points);

/// points.csv: one row per design point (its values, each outcome's
/// probability with its interval, breakdown causes), for pandas.
std::string points_csv(const std::vector<std::string>& paths,
                       const std::vector<PointRecord>& records);

/// Sensitivity of each outcome probability for a complete sweep: Sobol
/// first-order and total indices with bootstrap intervals, Morris mu*/sigma,
/// or one-at-a-time swings, by design. Empty for grid, lhs and csv designs.
/// As CSV (one row per outcome and parameter) and as text for the terminal.
struct SensitivityTables {
  std::string csv, text;
};
SensitivityTables sensitivity(const Design& design, const std::vector<PointRecord>& records);

/// The headline table: each outcome's probability with its 95% interval.
std::string headline_table(const Tally& tally);

/// report.md: the same as summary.json, for people, headline first.
std::string report_markdown(const model::Negotiation& negotiation, const Tally& tally,
                            const Provenance& provenance, const Score* score = nullptr);

/// runs.csv: the header, and one row per run (its outcome, every drawn
/// parameter by the name the traces give it, the terms).
std::string runs_csv_header(const model::Negotiation& negotiation);
void append_runs_csv(std::string& out, const model::Negotiation& negotiation,
                     const std::vector<RunRecord>& records);

/// Replaces `path` with `content` atomically: written to a temporary file in
/// the same directory, flushed, then renamed, so a reader (or a crash) never
/// sees half a file. Throws std::runtime_error naming the path on failure.
void write_atomically(const std::string& path, const std::string& content);

}  // namespace negsim
