// Interim deals as stepping stones (docs/MODEL.md §6.7): an interim deal in
// force is kept or broken each round; kept rounds build trust, so a full
// deal can follow; a breach may end the talks (cause `reneged`). Each test
// fails on a wrong version: an interim deal that ends the run, a hazard
// that ignores trust, or a breach that does not end what it should.
#include "negsim/mechanisms/implementation.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "negsim/engine.hpp"
#include "negsim/outputs.hpp"
#include "negsim/scenario_yaml.hpp"
#include "test_util.hpp"

namespace negsim::model {
namespace {

const std::string kStone = test::kDataDir + "/good/stone.yaml";

Scenario stone(std::vector<std::string> sets = {}) {
  LoadOptions options;
  for (const auto& s : sets) options.overrides.push_back(parse_override(s));
  return load_scenario(kStone, options);
}

TEST(Implementation, KeptTermsBuildTheTrustAFullDealNeeds) {
  const Scenario s = stone();
  const Negotiation negotiation(s);
  Trace trace;
  const RunResult r = negotiation.run(s.seed, 0, 0, &trace);
  EXPECT_EQ(r.outcome, Outcome::full_deal);
  EXPECT_EQ(r.interim_round, 11);
  EXPECT_EQ(r.round, 13);
  EXPECT_EQ(r.event_counts[negotiation.catalog().event("breach")], 0) << "no breach at hazard 0";
  EXPECT_EQ(r.event_counts[negotiation.catalog().event("interim_in_force")], 1);
  // Verified compliance: in round 12 each principal kept the terms, so
  // each one's trust in the other lost 0.3 of its distrust: 0.5 -> 0.65.
  const std::size_t trust = negotiation.catalog().field("trust");
  EXPECT_NEAR(traced(trace.rounds.at(11), trust, 0), 0.5, 1e-12);
  EXPECT_NEAR(traced(trace.rounds.at(12), trust, 0), 0.5 + 0.3 * 0.5, 1e-12);
  // Without that trust the interim deal holds to the horizon, and its
  // round is the one it took effect.
  const Scenario flat = stone({"mechanisms.implementation.verification=0"});
  const RunResult held = Negotiation(flat).run(flat.seed, 0, 0);
  EXPECT_EQ(held.outcome, Outcome::interim_deal);
  EXPECT_EQ(held.round, 11);
  EXPECT_EQ(held.interim_round, 11);
  // With `interim: final` it ends the run, as before stepping stones.
  const Scenario final_ = stone({"mechanisms.implementation.interim=final"});
  const RunResult ended = Negotiation(final_).run(final_.seed, 0, 0);
  EXPECT_EQ(ended.outcome, Outcome::interim_deal);
  EXPECT_EQ(ended.round, 11);
  EXPECT_EQ(ended.interim_round, 0);
}

TEST(Implementation, BreachesEndTheTalksAtTheClosedFormRate) {
  // No full deal (missiles: disjoint red lines), fixed trust (no
  // reciprocity, no verification, no shock), no pressure, every breach
  // ends the talks. Each principal breaks the deal with h = b (1 - trust)
  // in each of the H - R rounds after it took effect in round R, so
  // P(held) = ((1 - h_w)(1 - h_e))^(H - R).
  const double b = 0.2;
  const Scenario s = stone({"agents.west.red_lines={missiles: {min: 60}}",
                            "agents.east.red_lines={missiles: {max: 20}}", "agents.west.trust=0.4",
                            "agents.east.trust=0.7",
                            "mechanisms.implementation={breach: " + std::to_string(b) +
                                ", verification: 0, trust_shock: 0, ends: 1}"});
  const Negotiation negotiation(s);
  const int runs = 20000;
  int held = 0, reneged = 0, signed_at = -1;
  for (int i = 0; i < runs; ++i) {
    const RunResult r = negotiation.run(s.seed, 0, static_cast<std::uint64_t>(i));
    ASSERT_GT(r.interim_round, 0);
    if (signed_at < 0) signed_at = r.interim_round;
    ASSERT_EQ(r.interim_round, signed_at) << "the constructed case is deterministic up to breaches";
    held += r.outcome == Outcome::interim_deal;
    reneged += r.outcome == Outcome::breakdown && r.cause == negotiation.catalog().cause("reneged");
  }
  EXPECT_EQ(held + reneged, runs);
  const double p = std::pow((1 - b * 0.6) * (1 - b * 0.3), s.rounds.horizon - signed_at);
  const double sd = std::sqrt(p * (1 - p) / runs);
  EXPECT_NEAR(static_cast<double>(held) / runs, p, 4 * sd) << "signed in round " << signed_at;
}

TEST(Implementation, AHigherBreachHazardNeverKeepsMoreInterimDealsInForce) {
  // Metamorphic, run by run: with breaches that end the talks, a run whose
  // interim deal holds at a higher hazard holds at every lower one (the
  // same uniforms decide; a higher hazard only breaks sooner).
  auto held = [](double breach) {
    LoadOptions options;
    options.overrides = {parse_override(
        "mechanisms.implementation={breach: " + std::to_string(breach) + ", ends: 1}")};
    const Scenario s = load_scenario(test::kDefaultScenario, options);
    const Negotiation negotiation(s);
    std::vector<bool> out;
    for (std::uint64_t i = 0; i < 3000; ++i) {
      const RunResult r = negotiation.run(s.seed, 0, i);
      out.push_back(r.outcome == Outcome::interim_deal && r.interim_round > 0);
    }
    return out;
  };
  const auto low = held(0.01), mid = held(0.05), high = held(0.2);
  int n_low = 0, n_mid = 0, n_high = 0;
  for (std::size_t i = 0; i < low.size(); ++i) {
    EXPECT_TRUE(!mid[i] || low[i]) << "run " << i;
    EXPECT_TRUE(!high[i] || mid[i]) << "run " << i;
    n_low += low[i];
    n_mid += mid[i];
    n_high += high[i];
  }
  EXPECT_GT(n_low, n_high) << "the hazard must matter";
  EXPECT_GE(n_mid, n_high);
}

TEST(Implementation, OutputsTellTheFourPathsApart) {
  // The default with a hazard high enough that every path occurs; the
  // summary's counts must be the runs' own, path by path.
  LoadOptions options;
  options.overrides = {parse_override("mechanisms.implementation.breach=0.1")};
  const Scenario s = load_scenario(test::kDefaultScenario, options);
  const Negotiation negotiation(s);
  EngineOptions engine;
  engine.seed = s.seed;
  engine.runs = 3000;
  const Tally t = simulate(negotiation, engine).tally;
  std::uint64_t direct = 0, via = 0, held = 0, broken = 0, between = 0;
  for (std::uint64_t i = 0; i < engine.runs; ++i) {
    const RunResult r = negotiation.run(s.seed, 0, i);
    const bool stone = r.interim_round > 0;
    direct += r.outcome == Outcome::full_deal && !stone;
    via += r.outcome == Outcome::full_deal && stone;
    held += r.outcome == Outcome::interim_deal && stone;
    broken += r.outcome == Outcome::breakdown && stone;
    if (r.outcome == Outcome::full_deal && stone) between += r.round - r.interim_round;
  }
  ASSERT_GT(via, 0u);
  ASSERT_GT(held, 0u);
  ASSERT_GT(broken, 0u);
  const auto j = nlohmann::json::parse(summary_json(negotiation, t, Provenance{}));
  const auto& paths = j["deal_paths"];
  EXPECT_EQ(paths["interim"], "stepping_stone");
  EXPECT_EQ(paths["full_direct"]["count"], direct);
  EXPECT_EQ(paths["full_via_interim"]["count"], via);
  EXPECT_EQ(paths["interim_held"]["count"], held);
  EXPECT_EQ(paths["interim_broken"]["count"], broken);
  EXPECT_NEAR(paths["full_via_interim"]["rounds_between"]["mean"].get<double>(),
              static_cast<double>(between) / static_cast<double>(via), 1e-12);
  const std::string md = report_markdown(negotiation, t, Provenance{});
  EXPECT_NE(md.find("| full deal, through an interim deal | "), std::string::npos) << md;
  // runs.csv names the round the interim deal took effect.
  std::vector<RunRecord> records(1);
  records[0].run = 0;
  negotiation.draw(s.seed, 0, 0, records[0].draw);
  records[0].result = negotiation.run(s.seed, 0, 0);
  std::string csv = runs_csv_header(negotiation);
  EXPECT_EQ(csv.rfind("run,outcome,cause,agent,round,phased,interim_round,holdouts,", 0), 0u)
      << csv;
  append_runs_csv(csv, negotiation, records);
  EXPECT_NE(csv.find("," + std::to_string(records[0].result.interim_round) + ","),
            std::string::npos);
}

TEST(Implementation, TheFieldsAreCheckedAndTheResolvedScenarioShowsThem) {
  EXPECT_EQ(test::problems_of([] { stone({"mechanisms.implementation.interim=stone"}); }),
            std::vector<std::string>{"mechanisms.implementation.interim: unknown choice (got "
                                     "\"stone\", expected stepping_stone or final)"});
  EXPECT_EQ(test::problems_of([] { stone({"mechanisms.implementation.breach=2"}); }).size(), 1u);
  const Scenario s = stone();
  const std::string yaml = to_yaml(s);
  EXPECT_NE(yaml.find("implementation:\n    interim: stepping_stone\n    breach: 0\n"),
            std::string::npos)
      << yaml;
  EXPECT_EQ(load_scenario_text(yaml, "resolved.yaml"), s);
}

}  // namespace
}  // namespace negsim::model
