// Parameter sweeps: experimental designs over scenario parameters, and the
// sensitivity indices computed from their results.
//
// A design is a list of points; a point gives a value to each swept
// parameter, named by its scenario path as `--set` names it (a
// distribution's own parameters too: `agents.us.trust.beta.a`). The
// designs and estimators here are pure functions of their inputs and a
// seed, so a sweep is reproducible to the bit and can be sharded freely.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "negsim/scenario.hpp"

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
};

/// Elementary effects of a Morris design (Campolongo, Cariboni & Saltelli
/// 2007 for mu*), given the design and one output per point.
MorrisIndices morris_indices(const Design& design, const std::vector<double>& outputs);

struct Swing {
  double low = 0, high = 0, baseline = 0;  ///< output at the parameter's low and high
};

/// One-at-a-time swings for a tornado chart, from an oat design's outputs.
std::vector<Swing> oat_swings(const Design& design, const std::vector<double>& outputs);

}  // namespace negsim
