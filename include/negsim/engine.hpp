// The Monte Carlo engine: many runs of one negotiation, in parallel (TBB),
// aggregated into outcome probabilities with intervals, time to outcome,
// deal terms, utilities and event frequencies.
//
// Reproducibility: run r of design point p under seed s is the same
// negotiation whichever thread plays it (model.hpp). Every aggregate is
// exact - integer counts, fixed-point sums, histograms with per-bin
// extremes - so the order in which blocks are merged cannot change a bit:
// the summary is identical for any thread count and any block size.
// Memory does not grow with the number of runs.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "negsim/model.hpp"

namespace negsim {

/// A proportion with its Wilson score interval (Wilson 1927), which keeps
/// its coverage near 0 and 1 where the normal approximation fails.
struct Interval {
  double estimate = 0, lo = 0, hi = 0;
  double half_width() const { return (hi - lo) / 2; }
};
inline constexpr double kZ95 = 1.959963984540054;
Interval wilson(std::uint64_t successes, std::uint64_t trials, double z = kZ95);

/// A sum of doubles independent of the order of addition: each value is
/// rounded to a multiple of 2^-32 and added as a 128-bit integer.
class ExactSum {
 public:
  void add(double x);
  double value() const;
  ExactSum& operator+=(const ExactSum& other) {
    total_ += other.total_;
    return *this;
  }
  bool operator==(const ExactSum&) const = default;

 private:
  __extension__ using Int128 = __int128;  // GCC and Clang; exact to 2^95
  Int128 total_ = 0;
};

/// Fixed bins over [lo, hi] with integer counts and each bin's smallest and
/// largest value, for quantiles that are exact at point masses (a red line
/// hit by many deals reads as that value, not as its bin's midpoint).
class Histogram {
 public:
  Histogram() = default;
  Histogram(double lo, double hi, std::size_t bins);
  void add(double x);
  void merge(const Histogram& other);
  std::uint64_t count() const { return count_; }
  /// The p-quantile (0 <= p <= 1), interpolated within its bin between the
  /// bin's extremes; NaN when empty.
  double quantile(double p) const;
  bool operator==(const Histogram&) const = default;

 private:
  double lo_ = 0, hi_ = 1;
  std::vector<std::uint64_t> counts_;
  std::vector<double> min_, max_;
  std::uint64_t count_ = 0;
};

using model::kOutcomes;
inline constexpr std::size_t kDealKinds = 2;  // full, interim

/// Everything the engine keeps about the runs seen so far.
struct Tally {
  std::uint64_t runs = 0;
  std::array<std::uint64_t, kOutcomes> outcomes{};
  /// Breakdowns by cause, indexed like the Catalog's causes (the rest 0).
  std::array<std::uint64_t, model::kMaxCauses> causes{};
  /// by_round[t][o]: runs ending with outcome o in round t (t = 1..horizon).
  std::vector<std::array<std::uint64_t, kOutcomes>> by_round;
  std::array<ExactSum, kOutcomes> round_sums;
  std::array<std::vector<Histogram>, kDealKinds> terms;  ///< [kind][issue], real units
  std::array<std::vector<ExactSum>, kDealKinds> term_sums;
  std::vector<Histogram> utility;  ///< per agent
  std::vector<ExactSum> utility_sums;
  /// Indexed like the Catalog's events (the rest 0).
  std::array<std::uint64_t, model::kMaxEventKinds> runs_with_event{}, events{};
  /// first_event[{kind, agent}][t]: runs in which the agent's first event
  /// of that kind came in round t (agent -1: the first by anyone), for the
  /// incidence of observed events (docs/SCORING.md). Only pairs that
  /// happened are kept, in key order.
  std::map<std::pair<int, int>, std::vector<std::uint64_t>> first_event;
  /// Breakdowns by cause and by the agent who ended them ([cause][agent]).
  std::array<std::array<std::uint64_t, kMaxAgents>, model::kMaxCauses> cause_agent{};
  std::uint64_t phased = 0;
  /// Interim deals as stepping stones (RunResult::interim_round): full deals
  /// that came through an interim deal, breakdowns of an interim deal in
  /// force, and between[d]: full deals via an interim deal reached d rounds
  /// after it (d = 1..horizon). outcomes[interim_deal] are those that held.
  std::uint64_t full_via_interim = 0, interim_broken = 0;
  std::vector<std::uint64_t> between;
  /// Who blocked the deal, over the runs without one (RunResult::holdouts):
  /// per agent, the runs it held out in, those it alone held out in, the
  /// sum of its shortfalls, and per issue the runs its red line was crossed.
  std::vector<std::uint64_t> holdout, sole_holdout;
  std::vector<ExactSum> holdout_gap_sums;
  std::vector<std::vector<std::uint64_t>> holdout_issue;  ///< [agent][issue]
  std::uint64_t judged_interim = 0;  ///< runs where the interim text was judged
  std::uint64_t no_holdout = 0;      ///< runs without a deal where every principal accepted

  /// An empty tally shaped for the scenario.
  explicit Tally(const Scenario& scenario);
  Tally() = default;
  void add(const model::RunResult& result, std::size_t n_issues, std::size_t n_agents);
  void merge(const Tally& other);
  bool operator==(const Tally&) const = default;
};

struct EngineOptions {
  std::uint64_t seed = 1;
  std::uint64_t point = 0;      ///< design point (0 outside sweeps)
  std::uint64_t runs = 10'000;  ///< with no precision target: exactly this many
  /// Run batches until every outcome's 95% Wilson half-width is at or below
  /// this (or max_runs is reached).
  std::optional<double> precision;
  std::uint64_t max_runs = 10'000'000;
  /// Runs between stopping checks, progress reports and sink calls. With a
  /// precision target it is part of the stopping rule; otherwise it changes
  /// no result.
  std::uint64_t batch = 10'000;
  std::uint64_t block = 256;  ///< runs per parallel task
  int threads = 0;            ///< 0: all cores
  /// Set from another thread (a signal handler) to stop after the batch.
  const std::atomic<bool>* cancel = nullptr;
};

/// One run's record for runs.csv.
struct RunRecord {
  std::uint64_t run = 0;
  model::Draw draw;
  model::RunResult result;
};

/// Receives the runs of each finished batch in run order.
using RunSink = std::function<void(const std::vector<RunRecord>&)>;
/// Receives (runs done, runs planned) after each batch.
using Progress = std::function<void(std::uint64_t, std::uint64_t)>;

struct EngineResult {
  Tally tally;
  bool precision_reached = false;
  bool cancelled = false;
  int threads = 1;
};

/// Runs the Monte Carlo simulation. Deterministic: the same options give the
/// same tally whatever `threads` and `block` are.
EngineResult simulate(const model::Negotiation& negotiation, const EngineOptions& options,
                      const RunSink& sink = {}, const Progress& progress = {});

/// Whether every outcome's interval is at or below the target half-width.
bool precise_enough(const Tally& tally, double half_width);

}  // namespace negsim
