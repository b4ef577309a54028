#include "negsim/engine.hpp"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "negsim/detail/happens_before.hpp"

namespace negsim {
namespace {

constexpr double kFixedPointScale = 4294967296.0;  // 2^32
constexpr std::size_t kBins = 1000;

using detail::region_end;
using detail::region_start;
using detail::task_end;
using detail::task_start;

}  // namespace

Interval wilson(std::uint64_t successes, std::uint64_t trials, double z) {
  if (trials == 0) return {0, 0, 1};
  const double n = static_cast<double>(trials);
  const double p = static_cast<double>(successes) / n;
  const double z2 = z * z;
  const double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const double half = z / (1 + z2 / n) * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n));
  // Exact bounds at the edges (the formula leaves rounding dust like 1e-19).
  const double lo = successes == 0 ? 0.0 : std::max(0.0, centre - half);
  const double hi = successes == trials ? 1.0 : std::min(1.0, centre + half);
  return {p, lo, hi};
}

void ExactSum::add(double x) {
  // Whole part and fraction apart, so any |x| < 2^63 fits (x * 2^32 in one
  // 64-bit integer would overflow from 2^31 up).
  const double whole = std::floor(x);
  const auto fraction = static_cast<Int128>(std::llround((x - whole) * kFixedPointScale));
  total_ += static_cast<Int128>(static_cast<std::int64_t>(whole)) * (Int128{1} << 32) + fraction;
}

double ExactSum::value() const { return static_cast<double>(total_) / kFixedPointScale; }

Histogram::Histogram(double lo, double hi, std::size_t bins)
    : lo_(lo),
      hi_(hi),
      counts_(bins, 0),
      min_(bins, std::numeric_limits<double>::infinity()),
      max_(bins, -std::numeric_limits<double>::infinity()) {}

void Histogram::add(double x) {
  const double share = (x - lo_) / (hi_ - lo_);
  const auto last = counts_.size() - 1;
  const std::size_t bin =
      share <= 0
          ? 0
          : std::min(last, static_cast<std::size_t>(share * static_cast<double>(counts_.size())));
  ++counts_[bin];
  min_[bin] = std::min(min_[bin], x);
  max_[bin] = std::max(max_[bin], x);
  ++count_;
}

void Histogram::merge(const Histogram& other) {
  if (counts_.empty()) {
    *this = other;
    return;
  }
  for (std::size_t b = 0; b < counts_.size(); ++b) {
    counts_[b] += other.counts_[b];
    min_[b] = std::min(min_[b], other.min_[b]);
    max_[b] = std::max(max_[b], other.max_[b]);
  }
  count_ += other.count_;
}

double Histogram::quantile(double p) const {
  if (count_ == 0) return std::numeric_limits<double>::quiet_NaN();
  // The value of rank p (n - 1) in the sorted sample, as numpy's default.
  const double rank = p * static_cast<double>(count_ - 1);
  std::uint64_t before = 0;
  for (std::size_t b = 0; b < counts_.size(); ++b) {
    const std::uint64_t c = counts_[b];
    if (c == 0) continue;
    if (rank < static_cast<double>(before + c) || before + c == count_) {
      if (c == 1) return min_[b];
      const double within =
          std::clamp((rank - static_cast<double>(before)) / static_cast<double>(c - 1), 0.0, 1.0);
      return min_[b] + within * (max_[b] - min_[b]);
    }
    before += c;
  }
  return max_.back();
}

Tally::Tally(const Scenario& scenario) {
  const std::size_t n = scenario.issues.size();
  by_round.assign(static_cast<std::size_t>(scenario.rounds.horizon) + 1, {});
  for (auto& kind : terms) {
    kind.clear();
    for (const Issue& issue : scenario.issues) kind.emplace_back(issue.min, issue.max, kBins);
  }
  for (auto& kind : term_sums) kind.assign(n, ExactSum{});
  utility.assign(scenario.agents.size(), Histogram(0, 1, kBins));
  utility_sums.assign(scenario.agents.size(), ExactSum{});
  holdout.assign(scenario.agents.size(), 0);
  sole_holdout.assign(scenario.agents.size(), 0);
  holdout_gap_sums.assign(scenario.agents.size(), ExactSum{});
  holdout_issue.assign(scenario.agents.size(), std::vector<std::uint64_t>(n, 0));
  between.assign(static_cast<std::size_t>(scenario.rounds.horizon) + 1, 0);
}

void Tally::add(const model::RunResult& r, std::size_t n_issues, std::size_t n_agents) {
  ++runs;
  const auto o = static_cast<std::size_t>(r.outcome);
  ++outcomes[o];
  if (r.outcome == model::Outcome::breakdown) ++causes[static_cast<std::size_t>(r.cause)];
  if (r.interim_round > 0 && r.outcome == model::Outcome::full_deal) {
    ++full_via_interim;
    const auto d = static_cast<std::size_t>(r.round - r.interim_round);
    if (d < between.size()) ++between[d];
  }
  interim_broken += r.interim_round > 0 && r.outcome == model::Outcome::breakdown;
  ++by_round[static_cast<std::size_t>(r.round)][o];
  round_sums[o].add(r.round);
  if (r.outcome == model::Outcome::full_deal || r.outcome == model::Outcome::interim_deal) {
    for (std::size_t k = 0; k < n_issues; ++k) {
      terms[o][k].add(r.terms[k]);
      term_sums[o][k].add(r.terms[k]);
    }
    phased += r.phased;
  } else {
    judged_interim += r.judged_interim;
    no_holdout += r.holdouts == 0;
    const bool alone = r.holdouts != 0 && (r.holdouts & (r.holdouts - 1)) == 0;
    for (std::size_t a = 0; a < n_agents && a < holdout.size(); ++a) {
      if (!(r.holdouts >> a & 1u)) continue;
      ++holdout[a];
      sole_holdout[a] += alone;
      holdout_gap_sums[a].add(r.holdout_gap[a]);
      for (std::size_t k = 0; k < n_issues; ++k)
        holdout_issue[a][k] += r.holdout_issues[a] >> k & 1u;
    }
  }
  for (std::size_t a = 0; a < n_agents; ++a) {
    utility[a].add(r.utility[a]);
    utility_sums[a].add(r.utility[a]);
  }
  for (std::size_t e = 0; e < model::kMaxEventKinds; ++e) {
    events[e] += static_cast<std::uint64_t>(r.event_counts[e]);
    runs_with_event[e] += r.event_counts[e] > 0;
  }
  if (r.outcome == model::Outcome::breakdown && r.agent >= 0 &&
      static_cast<std::size_t>(r.agent) < kMaxAgents) {
    ++cause_agent[static_cast<std::size_t>(r.cause)][static_cast<std::size_t>(r.agent)];
  }
  // The events are first occurrences in time order, so the first of a kind
  // is also the first by anyone.
  std::array<bool, model::kMaxEventKinds> kind_seen{};
  const auto count_first = [&](int kind, int agent, int round) {
    auto& counts = first_event[{kind, agent}];
    if (counts.empty()) counts.assign(by_round.size(), 0);
    if (round >= 0 && static_cast<std::size_t>(round) < counts.size()) {
      ++counts[static_cast<std::size_t>(round)];
    }
  };
  for (std::size_t i = 0; i < r.n_events; ++i) {
    const model::Event& e = r.events[i];
    count_first(e.kind, e.agent, e.round);
    if (!kind_seen[e.kind]) count_first(e.kind, -1, e.round);
    kind_seen[e.kind] = true;
  }
}

void Tally::merge(const Tally& other) {
  if (other.runs == 0) return;
  runs += other.runs;
  for (std::size_t o = 0; o < kOutcomes; ++o) {
    outcomes[o] += other.outcomes[o];
    round_sums[o] += other.round_sums[o];
  }
  for (std::size_t c = 0; c < model::kMaxCauses; ++c) causes[c] += other.causes[c];
  for (std::size_t t = 0; t < by_round.size(); ++t) {
    for (std::size_t o = 0; o < kOutcomes; ++o) by_round[t][o] += other.by_round[t][o];
  }
  for (std::size_t kind = 0; kind < kDealKinds; ++kind) {
    for (std::size_t k = 0; k < terms[kind].size(); ++k) {
      terms[kind][k].merge(other.terms[kind][k]);
      term_sums[kind][k] += other.term_sums[kind][k];
    }
  }
  for (std::size_t a = 0; a < utility.size(); ++a) {
    utility[a].merge(other.utility[a]);
    utility_sums[a] += other.utility_sums[a];
  }
  for (std::size_t e = 0; e < model::kMaxEventKinds; ++e) {
    events[e] += other.events[e];
    runs_with_event[e] += other.runs_with_event[e];
  }
  for (std::size_t c = 0; c < model::kMaxCauses; ++c) {
    for (std::size_t a = 0; a < kMaxAgents; ++a) cause_agent[c][a] += other.cause_agent[c][a];
  }
  for (const auto& [key, counts] : other.first_event) {
    auto& mine = first_event[key];
    if (mine.empty()) mine.assign(counts.size(), 0);
    for (std::size_t t = 0; t < counts.size() && t < mine.size(); ++t) mine[t] += counts[t];
  }
  phased += other.phased;
  full_via_interim += other.full_via_interim;
  interim_broken += other.interim_broken;
  for (std::size_t d = 0; d < between.size() && d < other.between.size(); ++d) {
    between[d] += other.between[d];
  }
  judged_interim += other.judged_interim;
  no_holdout += other.no_holdout;
  for (std::size_t a = 0; a < holdout.size(); ++a) {
    holdout[a] += other.holdout[a];
    sole_holdout[a] += other.sole_holdout[a];
    holdout_gap_sums[a] += other.holdout_gap_sums[a];
    for (std::size_t k = 0; k < holdout_issue[a].size(); ++k) {
      holdout_issue[a][k] += other.holdout_issue[a][k];
    }
  }
}

bool precise_enough(const Tally& tally, double half_width) {
  for (std::size_t o = 0; o < kOutcomes; ++o) {
    if (wilson(tally.outcomes[o], tally.runs).half_width() > half_width) return false;
  }
  return true;
}

EngineResult simulate(const model::Negotiation& negotiation, const EngineOptions& options,
                      const RunSink& sink, const Progress& progress) {
  const Scenario& scenario = negotiation.scenario();
  const std::size_t n_issues = scenario.issues.size();
  const std::size_t n_agents = scenario.agents.size();
  const int threads = options.threads > 0 ? options.threads : tbb::info::default_concurrency();
  const std::uint64_t block = std::max<std::uint64_t>(1, options.block);
  const std::uint64_t planned = options.precision ? options.max_runs : options.runs;

  EngineResult out;
  out.threads = threads;
  out.tally = Tally(scenario);
  tbb::task_arena arena(threads);
  tbb::enumerable_thread_specific<Tally> locals([&] { return Tally(scenario); });
  std::vector<RunRecord> records;

  std::uint64_t done = 0;
  while (done < planned) {
    if (options.cancel && options.cancel->load()) {
      out.cancelled = true;
      break;
    }
    const std::uint64_t batch_end =
        std::min(planned, done + std::max<std::uint64_t>(1, options.batch));
    const std::uint64_t n_blocks = (batch_end - done + block - 1) / block;
    if (sink) records.resize(batch_end - done);
    char before = 0, after = 0;  // addresses for the happens-before annotations
    region_start(&before);
    arena.execute([&] {
      tbb::parallel_for(
          tbb::blocked_range<std::uint64_t>(0, n_blocks, 1),
          [&](const tbb::blocked_range<std::uint64_t>& range) {
            task_start(&before);
            Tally& local = locals.local();
            model::Draw draw;
            for (std::uint64_t b = range.begin(); b != range.end(); ++b) {
              const std::uint64_t first = done + b * block;
              const std::uint64_t last = std::min(batch_end, first + block);
              for (std::uint64_t run = first; run < last; ++run) {
                negotiation.draw(options.seed, options.point, run, draw);
                model::RunStreams streams(negotiation, options.seed, options.point, run);
                const model::RunResult result = negotiation.play(draw, streams);
                local.add(result, n_issues, n_agents);
                if (sink) records[run - done] = RunRecord{run, draw, result};
              }
            }
            task_end(&after);
          },
          tbb::simple_partitioner());
    });
    region_end(&after);
    done = batch_end;
    // Exact aggregates: merging in any order gives the same bits.
    for (Tally& local : locals) {
      out.tally.merge(local);
      local = Tally(scenario);
    }
    if (sink) sink(records);
    if (progress) progress(done, planned);
    if (options.precision && precise_enough(out.tally, *options.precision)) {
      out.precision_reached = true;
      break;
    }
  }
  return out;
}

}  // namespace negsim
