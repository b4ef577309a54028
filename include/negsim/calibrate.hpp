// Calibration by history matching (docs/CALIBRATION.md): find the values of
// a scenario's free parameters whose forecasts are consistent with what
// informed observers believed - an expert's split, a market's price, a
// forecasting team's probability - within the beliefs' tolerance and the
// Monte Carlo error.
//
// Waves (Craig, Goldstein, Seheult & Smith 1997; Vernon, Goldstein & Bower
// 2010): each wave runs a Latin hypercube of points through the sweep
// engine over the region not yet ruled out, measures every target at each
// point with its Monte Carlo error, and rules out the points whose
// implausibility exceeds the cut. Each wave is a sweep store on disk, so a
// calibration resumes after any interruption, and is a pure function of its
// inputs and seed.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "negsim/diagnostic.hpp"
#include "negsim/engine.hpp"
#include "negsim/model.hpp"
#include "negsim/scenario_yaml.hpp"

namespace negsim {

/// What a target measures.
enum class TargetKind {
  outcome,  ///< P(outcome), or P(outcome by round `by`)
  cause,    ///< P(breakdown by this cause) [ended by `agent`]
  event,    ///< P(the event happened) [to or by `agent`] [by round `by`]
  term,     ///< the median of a deal's term on an issue, in the issue's units
};
const char* to_string(TargetKind kind);

/// One belief to reproduce: a quantity negsim reports, its value, and how
/// far from it the forecast may be.
struct Target {
  std::string name;
  TargetKind kind = TargetKind::outcome;
  std::string what;  ///< the outcome, cause, event or issue ("a or b" for outcomes)
  std::vector<std::string> outcomes;  ///< outcome: the classes whose probabilities add up
  std::string agent;                  ///< cause or event: "" for anyone
  std::string deal = "full_deal";     ///< term: full_deal or interim_deal
  int by = 0;                         ///< outcome or event: by this round (0: by the horizon)
  double value = 0;
  /// Accepted without penalty: |estimate - value| <= tolerance (an interval
  /// [a, b] is value (a + b) / 2, tolerance (b - a) / 2).
  double tolerance = 0;
  double sd = 0;  ///< beyond it, the belief's own uncertainty (a standard deviation)
  std::string source;
  SourceLoc at, agent_at, by_at;  ///< where the quantity, the agent and the round were written
};

/// A free parameter: a scenario path, as designs name them, and its prior range.
struct FreeParameter {
  std::string path;
  double lo = 0, hi = 0;
  SourceLoc at;
};

struct CalibrationSpec {
  std::string file;
  std::string text;  ///< the file's bytes (part of each wave's manifest)
  std::vector<FreeParameter> parameters;
  std::vector<Target> targets;
  int waves = 3;
  int points = 128;           ///< per wave
  std::uint64_t runs = 2000;  ///< per point
  double cut = 3;
  std::uint64_t seed = 1;  ///< the designs' randomness (the runs use the scenario's seed)
};

/// Reads a targets file. Throws ScenarioError with every problem located.
CalibrationSpec load_targets(const std::string& path);
CalibrationSpec load_targets_text(const std::string& yaml, const std::string& origin);

/// Checks the targets against the scenario (outcome, cause, event, issue and
/// agent names as the model knows them, rounds within the horizon). Throws
/// ScenarioError with every problem located.
void resolve(const CalibrationSpec& spec, const model::Negotiation& negotiation);

/// A target's estimate at one point, with its Monte Carlo standard error
/// and the number of runs (or deals) it rests on. NaN when there is nothing
/// to measure (a term median with no deal).
struct Measure {
  double estimate = std::numeric_limits<double>::quiet_NaN();
  double se = std::numeric_limits<double>::quiet_NaN();
  std::uint64_t n = 0;
};
Measure measure(const Target& target, const model::Negotiation& negotiation, const Tally& tally);

/// max(0, |estimate - value| - tolerance) / sqrt(sd^2 + se^2); +infinity
/// when the target could not be measured.
double implausibility(const Target& target, const Measure& m);

struct CalibrationPoint {
  int wave = 0;
  std::size_t point = 0;  ///< within its wave
  std::vector<double> values;
  std::vector<Measure> measures;       ///< per target
  std::vector<double> implausibility;  ///< per target
  double max_implausibility = 0;
  bool kept = false;
};

struct WaveSummary {
  int wave = 0;
  std::vector<std::pair<double, double>> box;  ///< the region sampled, per parameter
  std::size_t points = 0, kept = 0, resumed = 0;
  double seconds = 0;
};

struct Calibration {
  CalibrationSpec spec;
  std::vector<WaveSummary> waves;
  std::vector<CalibrationPoint> points;  ///< every point of every wave
  /// Over the points kept: each parameter's range and median.
  std::vector<std::pair<double, double>> ranges;
  std::vector<double> medians;
  std::size_t kept = 0;
  /// conflict[i][j]: the smallest max(I_i, I_j) over all points; on the
  /// diagonal the smallest I_i. A pair above the cut cannot both be met.
  std::vector<std::vector<double>> conflict;
  bool cancelled = false;
  /// Sharded: a wave another shard has not finished (after the wait); run
  /// again to go on. `waiting_for` names the shard files still incomplete.
  int waiting_wave = 0;
  std::vector<std::string> waiting_for;
};

struct CalibrateOptions {
  std::string scenario_file;
  ScenarioSource source;
  std::vector<Override> overrides;
  std::uint64_t seed = 1;  ///< the runs' seed
  int threads = 0;
  std::string out_dir;  ///< wave-K/sweep.sqlite stores live here
  /// This process runs the points p of each wave with p % shards == shard,
  /// into wave-K/shard-I-of-N.sqlite, then reads the other shards' files
  /// (waiting up to `wait_seconds` for them) before the next wave.
  std::uint64_t shard = 0, shards = 1;
  double wait_seconds = 0;
  const std::atomic<bool>* cancel = nullptr;
  /// (wave, points done in the wave, points in the wave)
  std::function<void(int, std::size_t, std::size_t)> progress;
};

/// Runs (or resumes) the calibration. Throws ScenarioError when a point's
/// scenario is invalid, SweepError when a store belongs to other inputs.
Calibration calibrate(const CalibrationSpec& spec, const CalibrateOptions& options);

/// The outputs: every point (CSV), the kept points (CSV), the ranges and the
/// targets across the region (CSV), everything as JSON, and Markdown.
std::string calibration_points_csv(const Calibration& c, bool kept_only);
std::string calibration_ranges_csv(const Calibration& c);
std::string calibration_targets_csv(const Calibration& c);
std::string calibration_json(const Calibration& c);
std::string calibration_markdown(const Calibration& c);

/// The calibrated scenario variant: `base:` the scenario (`base_path` as the
/// variant file should name it), each free parameter uniform over its kept
/// range (a parameter that cannot be a distribution, such as a
/// distribution's own parameter, at the kept median).
std::string calibrated_variant(const Calibration& c, const ScenarioSource& source,
                               const std::vector<Override>& overrides,
                               const std::string& base_path);

/// Writes the kept and all points, waves, targets and ranges into an
/// SQLite file (replaced atomically).
void write_calibration_sqlite(const Calibration& c, const std::string& path);

}  // namespace negsim
