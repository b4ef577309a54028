// Who blocked the deal (docs/MODEL.md §7.1): recorded per run, aggregated
// exactly, and reported, on constructed cases whose answer is known.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "negsim/engine.hpp"
#include "negsim/outputs.hpp"
#include "negsim/scenario_yaml.hpp"
#include "test_util.hpp"

namespace negsim {
namespace {

const std::string kTalks = test::kDataDir + "/good/talks.yaml";

Scenario talks(std::vector<std::string> sets) {
  LoadOptions options;
  sets.push_back("agents.hawk.strike.base=0");
  for (const auto& s : sets) options.overrides.push_back(parse_override(s));
  return load_scenario(kTalks, options);
}

TEST(Holdouts, OnePrincipalAloneRefusingIsTheOnlyHoldout) {
  // East would take anything (its aspiration starts and stays at 0); west
  // holds out for nearly its ideal (reservation 0.99), which no text gives.
  const Scenario s =
      talks({"agents.east.reservation=0", "agents.east.concession={start: 0, rate: 0}",
             "agents.west.reservation=0.99", "agents.west.concession={start: 1, rate: 0}"});
  const model::Negotiation negotiation(s);
  const std::size_t west = *s.agent_index("west"), east = *s.agent_index("east");
  EngineOptions options;
  options.seed = s.seed;
  options.runs = 400;
  const Tally t = simulate(negotiation, options).tally;
  const std::uint64_t without = t.outcomes[static_cast<std::size_t>(model::Outcome::breakdown)] +
                                t.outcomes[static_cast<std::size_t>(model::Outcome::no_agreement)];
  ASSERT_EQ(without, 400u);  // west never accepts
  EXPECT_EQ(t.holdout[west], without);
  EXPECT_EQ(t.sole_holdout[west], without);
  EXPECT_EQ(t.holdout[east], 0u);
  EXPECT_EQ(t.no_holdout, 0u);
  for (std::size_t k = 0; k < s.issues.size(); ++k) EXPECT_EQ(t.holdout_issue[west][k], 0u);
  // Its shortfall is its aspiration (0.99) less the text's perceived value.
  for (std::uint64_t run = 0; run < 20; ++run) {
    const model::RunResult r = negotiation.run(s.seed, 0, run);
    EXPECT_EQ(r.holdouts, 1u << west);
    EXPECT_GT(r.holdout_gap[west], 0.0);
    EXPECT_LE(r.holdout_gap[west], 0.99);
  }
  const auto summary = nlohmann::json::parse(summary_json(negotiation, t, Provenance{}));
  const auto& h = summary["holdouts"];
  EXPECT_EQ(h["runs_without_deal"], 400);
  EXPECT_EQ(h["agents"]["west"]["runs"], 400);
  EXPECT_EQ(h["agents"]["west"]["alone"], 400);
  EXPECT_EQ(h["agents"]["east"]["runs"], 0);
  EXPECT_TRUE(h["agents"]["east"]["mean_gap"].is_null());
  const std::string md = report_markdown(negotiation, t, Provenance{});
  EXPECT_NE(md.find("| west | 100.0% ["), std::string::npos) << md;
}

TEST(Holdouts, ACrossedRedLineIsNamedWithNoShortfall) {
  // Both would take anything their red lines allow, but the lines do not
  // overlap on nuclear: a text crosses one side's line or the other's, and
  // that side is the holdout, on nuclear, with no shortfall.
  const Scenario s = talks({"agents.west.reservation=0", "agents.west.concession={start: 0}",
                            "agents.east.reservation=0", "agents.east.concession={start: 0}",
                            "agents.west.red_lines={nuclear: {max: 20}}",
                            "agents.east.red_lines={nuclear: {min: 60}}"});
  const model::Negotiation negotiation(s);
  const std::size_t nuclear = *s.issue_index("nuclear");
  int holdouts = 0;
  for (std::uint64_t run = 0; run < 200; ++run) {
    const model::RunResult r = negotiation.run(s.seed, 0, run);
    ASSERT_NE(r.outcome, model::Outcome::full_deal);
    ASSERT_NE(r.outcome, model::Outcome::interim_deal);
    for (std::size_t i : negotiation.principals()) {
      if (!(r.holdouts >> i & 1u)) continue;
      ++holdouts;
      EXPECT_EQ(r.holdout_issues[i], 1u << nuclear) << "run " << run;
      EXPECT_EQ(r.holdout_gap[i], 0.0) << "run " << run;
    }
    EXPECT_NE(r.holdouts, 0u) << "run " << run;
  }
  EXPECT_GE(holdouts, 200);
}

TEST(Holdouts, TheTraceEndsWithThem) {
  const std::string file = test::kDataDir + "/good/talks.yaml";
  const auto r = test::run_cli({"trace", file, "--set", "agents.hawk.strike.base=0", "--set",
                                "agents.east.reservation=0", "--set",
                                "agents.east.concession={start: 0, rate: 0}", "--set",
                                "agents.west.reservation=0.99", "--set",
                                "agents.west.concession={start: 1, rate: 0}", "--format", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["outcome"]["holdouts"].contains("west"));
  EXPECT_FALSE(j["outcome"]["holdouts"].contains("east"));
  const auto text = test::run_cli({"trace", file, "--set", "agents.hawk.strike.base=0", "--set",
                                   "agents.west.reservation=0.99", "--set",
                                   "agents.west.concession={start: 1, rate: 0}"});
  EXPECT_NE(text.out.find("Who blocked the deal"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("  west: short of its aspiration by "), std::string::npos) << text.out;
}

}  // namespace
}  // namespace negsim
