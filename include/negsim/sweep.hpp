// Parameter sweeps: experimental designs over scenario parameters, and the
// sensitivity indices computed from their results.
//
// A design is a list of points; a point gives a value to each swept
// parameter, named by its scenario path as `--set` names it (a
// distribution's own parameters too: `agents.us.trust.beta.a`). The
// designs and estimators here are pure functions of their inputs and a
// seed, so a sweep is reproducible to the bit and can be sharded freely.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "negsim/engine.hpp"
#include "negsim/scenario.hpp"
#include "negsim/scenario_yaml.hpp"

namespace negsim {

enum class DesignKind { grid, oat, lhs, sobol, morris, csv };
const char* to_string(DesignKind kind);

/// One swept parameter: a list of values (grid) or a range.
struct SweptParameter {
  std::string path;
  std::vector<double> values;  ///< grid: explicit values
  double lo = 0, hi = 0;       ///< range (grid with steps, oat, lhs, sobol, morris)
  int steps = 0;               ///< grid over a range: number of values
  bool operator==(const SweptParameter&) const = default;
};

/// A design file (YAML), as read and checked.
struct DesignSpec {
  DesignKind kind = DesignKind::grid;
  std::vector<SweptParameter> parameters;
  std::uint64_t seed = 1;             ///< the design's own randomness (lhs, morris, bootstrap)
  int points = 0;                     ///< lhs: points; sobol: base size N; morris: trajectories
  int levels = 4;                     ///< morris: grid levels
  std::string file;                   ///< csv: the design table
  std::vector<std::string> warnings;  ///< e.g. a Sobol base size that is not a power of 2
  bool operator==(const DesignSpec&) const = default;
};

/// Reads a design file. Throws ScenarioError with every problem found, in
/// the loader's format (file:line:col: path: what is wrong).
DesignSpec load_design(const std::string& path);
DesignSpec load_design_text(const std::string& yaml, const std::string& origin,
                            const std::string& base_dir = ".");

/// The points of a design. NaN means "leave the scenario's own value" (the
/// baseline of a one-at-a-time design).
struct Design {
  DesignSpec spec;
  std::vector<std::string> paths;
  std::vector<std::vector<double>> points;  ///< points[p][j]: value of parameter j
  /// Unit-scale coordinates in [0, 1] of each point (Sobol and Morris use them).
  std::vector<std::vector<double>> unit;
};

/// Generates the design's points: deterministic in the spec (and its seed).
/// grid: the Cartesian product, the first parameter varying slowest.
/// oat: the baseline, then each parameter at its low and its high value.
/// lhs: Latin hypercube (McKay, Beckman & Conover 1979).
/// sobol: Saltelli's scheme [A; B; A_B^1; ...; A_B^k] on a Sobol' sequence
///        (Saltelli et al. 2010), N (k + 2) points.
/// morris: r trajectories of k + 1 points on a p-level grid (Morris 1991).
/// csv: the rows of the file.
Design generate(const DesignSpec& spec);

// ---------------------------------------------------------------------------
// Sensitivity.

struct Estimate {
  double value = 0, lo = 0, hi = 0;  ///< with a 95% bootstrap interval
};

struct SobolIndices {
  std::vector<Estimate> first, total;  ///< per parameter
};

/// First-order (Saltelli 2010) and total (Jansen 1999) indices from outputs
/// laid out as the sobol design: f(A) then f(B) then f(A_B^i), N each.
/// Intervals: percentile bootstrap over the N rows, `resamples` times.
SobolIndices sobol_indices(const std::vector<double>& outputs, int n, int k, std::uint64_t seed,
                           int resamples = 1000);

struct MorrisIndices {
  std::vector<double> mu, mu_star, sigma;  ///< per parameter, in output per unit range
  /// Elementary effects measured per parameter. A parameter with none (it
  /// never moved in the design) has mu = mu* = sigma = 0 and is reported as
  /// unmeasured, never as NaN.
  std::vector<std::size_t> effects;
};

/// Elementary effects of a Morris design (Campolongo, Cariboni & Saltelli
/// 2007 for mu*), given the design and one output per point.
MorrisIndices morris_indices(const Design& design, const std::vector<double>& outputs);

struct Swing {
  double low = 0, high = 0, baseline = 0;  ///< output at the parameter's low and high
};

/// One-at-a-time swings for a tornado chart, from an oat design's outputs.
std::vector<Swing> oat_swings(const Design& design, const std::vector<double>& outputs);

// ---------------------------------------------------------------------------
// Running a sweep.

struct SweepOptions {
  std::string scenario_file;
  /// The scenario file as read once (scenario_file's bytes and tree): every
  /// point is made from it, never from the file again.
  ScenarioSource source;
  std::vector<Override> overrides;  ///< the user's --set, applied before each point's values
  std::uint64_t seed = 1;
  std::uint64_t runs = 10'000;
  std::optional<double> precision;
  std::uint64_t max_runs = 10'000'000;
  int threads = 0;
  std::uint64_t shard = 0, shards = 1;  ///< this process runs points p with p % shards == shard
  const std::atomic<bool>* cancel = nullptr;
};

/// The overrides that make design point p's scenario (the user's, then the
/// point's values; a NaN value leaves the scenario's own).
std::vector<Override> point_overrides(const SweepOptions& options, const Design& design,
                                      std::size_t p);

/// Design point p's scenario: the source with point_overrides applied.
/// Throws ScenarioError whose messages name the point and its values.
Scenario point_scenario(const SweepOptions& options, const Design& design, std::size_t p);

/// The points this shard runs, round-robin.
std::vector<std::size_t> shard_points(const Design& design, const SweepOptions& options);

/// Loads the scenario of every point of this shard, so that a bad value is
/// reported before any run. Throws ScenarioError naming the design point.
void check_points(const SweepOptions& options, const Design& design,
                  const std::vector<std::size_t>& points);

/// Called when a point finishes: its index, its values and its aggregates.
using PointDone = std::function<void(std::size_t point, const model::Negotiation& negotiation,
                                     const Tally& tally)>;

/// Runs the shard's points that are not in `done`, in order. Point p's runs
/// are keyed (seed, p, run), so its result does not depend on the shard,
/// the thread count or what ran before it. Returns false if cancelled.
bool run_sweep(const SweepOptions& options, const Design& design,
               const std::vector<std::size_t>& points, const std::set<std::uint64_t>& done,
               const PointDone& on_point);

}  // namespace negsim
