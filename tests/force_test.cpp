// Force and escalation (docs/MODEL.md §6.1): a strike hazard that rises past
// the striker's deadline, once another has struck, and as the text strays
// from its red lines; counter-strikes; a principal's force ends the talks
// with cause `force`. Each number is the one the hazard equation gives.
#include <gtest/gtest.h>

#include <cmath>

#include "negsim/mechanism.hpp"
#include "negsim/scenario_yaml.hpp"
#include "test_util.hpp"

namespace negsim::model {
namespace {

const std::string kTalks = test::kDataDir + "/good/talks.yaml";

/// The test talks with no deal, no walk-out, and west able to strike at a
/// fixed base hazard (no sensitivity), never ending the talks.
Scenario forceful(std::vector<std::string> sets) {
  LoadOptions options;
  std::vector<std::string> all{
      "agents.west.red_lines={nuclear: {max: 20}}", "agents.east.red_lines={nuclear: {min: 50}}",
      "agents.hawk.strike.base=0", "agents.guard.snapback.progress_below=0",
      "protocol.walkout.hazard=0"};
  all.insert(all.end(), sets.begin(), sets.end());
  for (const auto& s : all) options.overrides.push_back(parse_override(s));
  return load_scenario(kTalks, options);
}

double hazard(const Negotiation& n, const Trace& trace, int round, const char* agent) {
  return traced(trace.rounds.at(static_cast<std::size_t>(round - 1)),
                n.catalog().field("strike_hazard"),
                static_cast<int>(*n.scenario().agent_index(agent)));
}

TEST(Force, TheHazardRisesPastTheStrikersDeadline) {
  const Scenario s =
      forceful({"agents.west.concession={tactic: time, deadline: 5, on_deadline: stay}",
                "agents.west.strike={base: 0.01, sensitivity: 0, breakdown: 0, "
                "after_deadline: 3}"});
  const Negotiation n(s);
  Trace trace;
  n.run(s.seed, 0, 0, &trace);
  EXPECT_NEAR(hazard(n, trace, 5, "west"), 0.01, 1e-15);
  EXPECT_NEAR(hazard(n, trace, 6, "west"), 0.04, 1e-15);
  EXPECT_NEAR(hazard(n, trace, 12, "west"), 0.04, 1e-15);
}

TEST(Force, AStrikeDrawsOthersInAndCounterStrikesAnswerIt) {
  // The hawk strikes every round (never ending the talks); west is drawn in
  // (its hazard doubles from the round after) and answers each strike with
  // a counter-strike at probability 1.
  const Scenario s = forceful({"agents.hawk.strike={base: 1, sensitivity: 0, breakdown: 0}",
                               "agents.west.strike={base: 0.02, sensitivity: 0, breakdown: 0, "
                               "drawn_in: 1, counter: 1}"});
  const Negotiation n(s);
  Trace trace;
  const RunResult r = n.run(s.seed, 0, 0, &trace);
  // Round 1: west's hazard is computed after the hawk's strike (agent
  // order: west is listed first, so it is computed before).
  EXPECT_NEAR(hazard(n, trace, 1, "west"), 0.02, 1e-15);
  EXPECT_NEAR(hazard(n, trace, 2, "west"), 0.04, 1e-15);
  EXPECT_GE(r.event_counts[n.catalog().event("counter_strike")], r.round)
      << "every strike by the hawk is answered";
}

TEST(Force, TheHazardRisesAsTheTextStraysFromTheStrikersRedLines) {
  // West's red line on relief (max 30) is crossed by every text (east wants
  // 100): the hazard is base x (1 + R x salience x distance outside).
  const Scenario s = forceful({"agents.west.red_lines={nuclear: {max: 20}, relief: {max: 30}}",
                               "agents.east.red_lines={nuclear: {min: 50}, relief: {min: 60}}",
                               "agents.west.strike={base: 0.01, sensitivity: 0, breakdown: 0, "
                               "red_lines: 2}"});
  const Negotiation n(s);
  Trace trace;
  n.run(s.seed, 0, 0, &trace);
  const std::size_t text = n.catalog().field("full_text");
  const auto& r1 = trace.rounds.at(0);
  // The full text lies between the conflicting red lines (§3.1); west's
  // normalised salience on relief is 0.3.
  const double nuclear = traced(r1, text, -1, 0) / 100, relief = traced(r1, text, -1, 1) / 100;
  const double outside = 0.7 * std::max(0.0, nuclear - 0.2) + 0.3 * std::max(0.0, relief - 0.3);
  ASSERT_GT(outside, 0);
  EXPECT_NEAR(hazard(n, trace, 1, "west"), 0.01 * (1 + 2 * outside), 1e-12);
}

TEST(Force, APrincipalsForceEndsTheTalksWithItsOwnCause) {
  const Scenario s = forceful({"agents.west.strike={base: 1, sensitivity: 0, breakdown: 1}"});
  const Negotiation n(s);
  const RunResult r = n.run(s.seed, 0, 0);
  EXPECT_EQ(r.outcome, Outcome::breakdown);
  EXPECT_EQ(r.cause, n.catalog().cause("force"));
  EXPECT_EQ(r.agent, static_cast<int>(*s.agent_index("west")));
  // A spoiler's strike keeps the cause `strike`.
  const Scenario h = forceful({"agents.hawk.strike={base: 1, sensitivity: 0, breakdown: 1}"});
  const Negotiation hn(h);
  EXPECT_EQ(hn.run(h.seed, 0, 0).cause, hn.catalog().cause("strike"));
}

}  // namespace
}  // namespace negsim::model
