#include "negsim/engine.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "negsim/scenario_yaml.hpp"
#include "test_util.hpp"

namespace negsim {
namespace {

Scenario load(const std::string& file, std::vector<std::string> sets = {}) {
  LoadOptions options;
  for (const auto& s : sets) options.overrides.push_back(parse_override(s));
  return load_scenario(file, options);
}

TEST(Wilson, MatchesReferenceValues) {
  // Reference values from the closed form (Wilson 1927; Newcombe 1998, table I:
  // 81/263 gives [0.2553, 0.3662]; 15/148 gives [0.0624, 0.1605]).
  Interval i = wilson(81, 263);
  EXPECT_NEAR(i.estimate, 81.0 / 263, 1e-15);
  EXPECT_NEAR(i.lo, 0.2553, 5e-5);
  EXPECT_NEAR(i.hi, 0.3662, 5e-5);
  i = wilson(15, 148);
  EXPECT_NEAR(i.lo, 0.0624, 5e-5);
  EXPECT_NEAR(i.hi, 0.1605, 5e-5);
  // At the edges the interval stays inside [0, 1] and is not degenerate.
  i = wilson(0, 20);
  EXPECT_EQ(i.lo, 0.0);
  EXPECT_NEAR(i.hi, 0.1611, 5e-5);
  i = wilson(20, 20);
  EXPECT_NEAR(i.lo, 0.8389, 5e-5);
  EXPECT_EQ(i.hi, 1.0);
}

TEST(ExactSum, DoesNotDependOnTheOrderOfAddition) {
  const std::vector<double> xs{1e-9, 9250.0, 0.1, -3.5, 1.0 / 3.0, 2e6, -2e6, 0.7};
  ExactSum forward, backward, split_a, split_b;
  for (double x : xs) forward.add(x);
  for (auto it = xs.rbegin(); it != xs.rend(); ++it) backward.add(*it);
  for (std::size_t i = 0; i < xs.size(); ++i) (i % 2 ? split_a : split_b).add(xs[i]);
  split_a += split_b;
  EXPECT_EQ(forward, backward);
  EXPECT_EQ(forward, split_a);
  EXPECT_NEAR(forward.value(), 9250.0 + 0.1 - 3.5 + 1.0 / 3.0 + 0.7, 1e-8);
}

TEST(ExactSum, HoldsLargeAndNegativeValues) {
  ExactSum s;
  s.add(3e12);
  s.add(-1e12);
  s.add(0.25);
  s.add(-4.5e15);
  EXPECT_DOUBLE_EQ(s.value(), 3e12 - 1e12 + 0.25 - 4.5e15);
}

TEST(Histogram, QuantilesAreExactAtPointMassesAndCloseElsewhere) {
  Histogram h(0, 60, 1000);
  for (int i = 0; i < 700; ++i) h.add(3.67);
  for (int i = 0; i < 300; ++i) h.add(20.0 + i * 0.01);
  EXPECT_EQ(h.count(), 1000u);
  EXPECT_EQ(h.quantile(0.05), 3.67);
  EXPECT_EQ(h.quantile(0.5), 3.67);
  EXPECT_NEAR(h.quantile(0.95), 20.0 + 0.01 * (0.95 * 999 - 700), 0.07);
  EXPECT_EQ(h.quantile(0), 3.67);
  EXPECT_NEAR(h.quantile(1), 22.99, 1e-12);
  EXPECT_TRUE(std::isnan(Histogram(0, 1, 10).quantile(0.5)));
}

TEST(Engine, SummaryIsBitIdenticalForAnyThreadCountAndBlockSize) {
  const Scenario s = load(test::kDefaultScenario);
  const model::Negotiation negotiation(s);
  EngineOptions options;
  options.seed = s.seed;
  options.runs = 3000;
  options.batch = 1000;
  options.threads = 1;
  options.block = 256;
  const Tally reference = simulate(negotiation, options).tally;
  EXPECT_EQ(reference.runs, 3000u);
  for (int threads : {2, 8}) {
    for (std::uint64_t block : {1, 7, 256, 5000}) {
      options.threads = threads;
      options.block = block;
      EXPECT_TRUE(simulate(negotiation, options).tally == reference)
          << threads << " threads, block " << block;
    }
  }
  // Different batches (stopping checkpoints) also leave a fixed run count unchanged.
  options.batch = 777;
  EXPECT_TRUE(simulate(negotiation, options).tally == reference);
  // ...and a different seed does change it: the comparison is not vacuous.
  options.seed = s.seed + 1;
  EXPECT_FALSE(simulate(negotiation, options).tally == reference);
}

TEST(Engine, TallyAgreesWithRunningTheModelDirectly) {
  const Scenario s = load(test::kDataDir + "/good/talks.yaml");
  const model::Negotiation negotiation(s);
  EngineOptions options;
  options.seed = s.seed;
  options.runs = 500;
  options.threads = 2;
  const Tally t = simulate(negotiation, options).tally;
  std::array<std::uint64_t, kOutcomes> direct{};
  for (std::uint64_t r = 0; r < 500; ++r)
    ++direct[static_cast<std::size_t>(negotiation.run(s.seed, 0, r).outcome)];
  EXPECT_EQ(t.outcomes, direct);
}

TEST(Engine, CoversAClosedFormProbability) {
  // P(breakdown) = 1 - (1 - h)^T for h = 0.03, T = 20; nothing else happens.
  const Scenario s = load(test::kDataDir + "/good/hazard-only.yaml");
  const double truth = 1 - std::pow(1 - 0.03, 20);
  const model::Negotiation negotiation(s);
  int covered = 0;
  const int replications = 20;
  for (int rep = 0; rep < replications; ++rep) {
    EngineOptions options;
    options.seed = 1000 + static_cast<std::uint64_t>(rep);
    options.runs = 4000;
    const Tally t = simulate(negotiation, options).tally;
    const auto b = static_cast<std::size_t>(model::Outcome::breakdown);
    const auto none = static_cast<std::size_t>(model::Outcome::no_agreement);
    EXPECT_EQ(t.outcomes[b] + t.outcomes[none], t.runs) << "only breakdowns and no agreement";
    const Interval ci = wilson(t.outcomes[b], t.runs);
    covered += ci.lo <= truth && truth <= ci.hi;
    // The time to breakdown is geometric: its cumulative incidence by round
    // r is 1 - (1 - h)^r (checked at round 10, within 4 standard errors).
    std::uint64_t by10 = 0;
    for (int r = 1; r <= 10; ++r) by10 += t.by_round[static_cast<std::size_t>(r)][b];
    const double p10 = 1 - std::pow(0.97, 10);
    EXPECT_NEAR(double(by10) / double(t.runs), p10,
                4 * std::sqrt(p10 * (1 - p10) / double(t.runs)));
  }
  // A 95% interval covers the truth in about 19 of 20 replications; 16 or
  // fewer would happen by chance with probability under 1.6%.
  EXPECT_GE(covered, 17) << "coverage " << covered << "/" << replications;
}

TEST(Engine, AdaptiveStoppingReachesThePrecisionDeterministically) {
  const Scenario s = load(test::kDataDir + "/good/hazard-only.yaml");
  const model::Negotiation negotiation(s);
  EngineOptions options;
  options.seed = 5;
  options.precision = 0.01;
  options.batch = 1000;
  options.max_runs = 1'000'000;
  const EngineResult a = simulate(negotiation, options);
  EXPECT_TRUE(a.precision_reached);
  EXPECT_TRUE(precise_enough(a.tally, 0.01));
  EXPECT_EQ(a.tally.runs % 1000, 0u);
  // One batch fewer would not have been precise enough (it stopped at the first chance).
  EngineOptions fewer = options;
  fewer.precision.reset();
  fewer.runs = a.tally.runs - 1000;
  EXPECT_FALSE(precise_enough(simulate(negotiation, fewer).tally, 0.01));
  options.threads = 2;
  options.block = 33;
  EXPECT_TRUE(simulate(negotiation, options).tally == a.tally);
  // max_runs caps a target that cannot be met.
  options.precision = 1e-6;
  options.max_runs = 3000;
  const EngineResult capped = simulate(negotiation, options);
  EXPECT_FALSE(capped.precision_reached);
  EXPECT_EQ(capped.tally.runs, 3000u);
}

TEST(Engine, CancellationStopsAfterTheCurrentBatchWithCompleteRuns) {
  const Scenario s = load(test::kDataDir + "/good/talks.yaml");
  const model::Negotiation negotiation(s);
  std::atomic<bool> cancel{false};
  EngineOptions options;
  options.runs = 10'000;
  options.batch = 1000;
  options.cancel = &cancel;
  const EngineResult r = simulate(negotiation, options, {}, [&](std::uint64_t done, std::uint64_t) {
    if (done >= 3000) cancel = true;
  });
  EXPECT_TRUE(r.cancelled);
  EXPECT_EQ(r.tally.runs, 3000u);
}

TEST(Engine, SinkReceivesEveryRunInOrder) {
  const Scenario s = load(test::kDataDir + "/good/talks.yaml");
  const model::Negotiation negotiation(s);
  EngineOptions options;
  options.runs = 2500;
  options.batch = 1000;
  options.threads = 2;
  options.block = 64;
  std::uint64_t next = 0;
  bool ordered = true;
  simulate(negotiation, options, [&](const std::vector<RunRecord>& records) {
    for (const auto& r : records) ordered &= r.run == next++;
  });
  EXPECT_TRUE(ordered);
  EXPECT_EQ(next, 2500u);
}

}  // namespace
}  // namespace negsim
