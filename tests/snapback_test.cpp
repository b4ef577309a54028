// Enforcers generalised (docs/MODEL.md §6.2): a snapback may name several
// targets, each with its own effects (a reservation drop, a walk-out
// hazard, pressure, or none), so an aid cut can press a principal without
// making it walk out.
#include <gtest/gtest.h>

#include "negsim/mechanism.hpp"
#include "negsim/scenario_yaml.hpp"
#include "test_util.hpp"

namespace negsim::model {
namespace {

const std::string kTalks = test::kDataDir + "/good/talks.yaml";

/// The test talks with no deal, no strike, no walk-out at the reservation,
/// and the guard snapping back in round 3 (progress below 1: no text is acceptable to both).
Scenario snapping(const std::string& snapback) {
  LoadOptions options;
  for (const auto& s :
       {std::string("agents.west.red_lines={nuclear: {max: 20}}"),
        std::string("agents.east.red_lines={nuclear: {min: 50}}"),
        std::string("agents.hawk.strike.base=0"), std::string("protocol.walkout.hazard=0"),
        std::string("agents.west.domestic={pressure: 0.1}"),
        std::string("agents.east.domestic={pressure: 0.2}"), "agents.guard.snapback=" + snapback}) {
    options.overrides.push_back(parse_override(s));
  }
  return load_scenario(kTalks, options);
}

TEST(Snapback, EachTargetTakesItsOwnEffects) {
  const Scenario s = snapping(
      "{deadline: 2, progress_below: 1, targets: {east: {reservation_drop: 0.1, pressure: 0.3}, "
      "west: {pressure: 0.25}}}");
  const Negotiation n(s);
  Trace trace;
  const RunResult r = n.run(s.seed, 0, 0, &trace);
  EXPECT_EQ(r.event_counts[n.catalog().event("snapback")], 1);
  EXPECT_EQ(r.event_counts[n.catalog().event("snapback_walkout")], 0) << "no walk-out hazard given";
  EXPECT_EQ(r.outcome, Outcome::no_agreement);
  const int west = static_cast<int>(*s.agent_index("west"));
  const int east = static_cast<int>(*s.agent_index("east"));
  const std::size_t pressure = n.catalog().field("pressure");
  const std::size_t reservation = n.catalog().field("reservation");
  // Judged in round 3 (after the deadline's 2 rounds), seen from round 4.
  EXPECT_NEAR(traced(trace.rounds.at(3), pressure, east), 0.2 + 0.3, 1e-12);
  EXPECT_NEAR(traced(trace.rounds.at(3), pressure, west), 0.1 + 0.25, 1e-12);
  EXPECT_NEAR(traced(trace.rounds.at(2), reservation, east) - 0.1,
              traced(trace.rounds.at(3), reservation, east), 1e-12);
  EXPECT_EQ(traced(trace.rounds.at(3), reservation, west),
            traced(trace.rounds.at(2), reservation, west));
  // The resolved scenario says so and reads back the same.
  EXPECT_EQ(load_scenario_text(to_yaml(s), "resolved.yaml"), s);
}

TEST(Snapback, AWalkOutHazardForOneTargetOnly) {
  const Scenario s =
      snapping("{deadline: 2, progress_below: 1, targets: {east: {walkout_hazard: 1}, west: {}}}");
  const Negotiation n(s);
  const RunResult r = n.run(s.seed, 0, 0);
  EXPECT_EQ(r.outcome, Outcome::breakdown);
  EXPECT_EQ(r.cause, n.catalog().cause("snapback"));
  EXPECT_EQ(r.agent, static_cast<int>(*s.agent_index("east")));
  EXPECT_EQ(r.round, 3);
}

TEST(Snapback, TargetOrTargetsNotBoth) {
  const auto both = test::problems_of(
      [] { snapping("{deadline: 2, target: east, targets: {east: {pressure: 0.1}}}"); });
  ASSERT_EQ(both.size(), 1u);
  EXPECT_NE(both[0].find("either target or targets"), std::string::npos) << both[0];
  EXPECT_EQ(test::problems_of([] { snapping("{deadline: 2}"); }).size(), 1u);
  EXPECT_EQ(
      test::problems_of([] { snapping("{deadline: 2, targets: {east: {pressure: 2}}}"); }).size(),
      1u);
}

}  // namespace
}  // namespace negsim::model
