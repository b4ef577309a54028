// Coercion short of force (docs/MODEL.md §6.8): each act raises the
// target's pressure by its amount and costs a principal coercer a share of
// the target's trust in it, and nobody else's; acts come at their hazard.
#include "negsim/mechanisms/coercion.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "negsim/scenario_yaml.hpp"
#include "test_util.hpp"

namespace negsim::model {
namespace {

const std::string kTalks = test::kDataDir + "/good/talks.yaml";

/// The test talks with no deal (disjoint red lines), no strike, no
/// walk-out, no trust growth, and west coercing east as `coercion` says.
Scenario coerced(const std::string& coercion, std::vector<std::string> sets = {}) {
  LoadOptions options;
  std::vector<std::string> all{"agents.west.red_lines={nuclear: {max: 20}}",
                               "agents.east.red_lines={nuclear: {min: 50}}",
                               "agents.hawk.strike.base=0",
                               "agents.guard.snapback.progress_below=0",
                               "protocol.walkout.hazard=0",
                               "protocol.trust_gain=0",
                               "agents.east.domestic={pressure: 0.1}",
                               "agents.west.coercion=" + coercion};
  all.insert(all.end(), sets.begin(), sets.end());
  for (const auto& s : all) options.overrides.push_back(parse_override(s));
  return load_scenario(kTalks, options);
}

TEST(Coercion, AnActRaisesTheTargetsPressureAndCostsTheCoercerItsTrust) {
  const Scenario s = coerced("{target: east, hazard: 1, pressure: 0.2, trust_shock: 0.5}");
  const Negotiation negotiation(s);
  Trace trace;
  const RunResult r = negotiation.run(s.seed, 0, 0, &trace);
  const std::size_t west = *s.agent_index("west"), east = *s.agent_index("east");
  const std::size_t pressure = negotiation.catalog().field("pressure");
  const std::size_t trust = negotiation.catalog().field("trust");
  EXPECT_EQ(r.event_counts[negotiation.catalog().event("coercion")], r.round);
  // Round 1: one act already (coercion comes before the texts are judged).
  EXPECT_NEAR(traced(trace.rounds.at(0), pressure, static_cast<int>(east)), 0.1 + 0.2, 1e-12);
  EXPECT_NEAR(traced(trace.rounds.at(1), pressure, static_cast<int>(east)), 0.5, 1e-12);
  EXPECT_NEAR(traced(trace.rounds.at(3), pressure, static_cast<int>(east)), 0.9, 1e-12);
  EXPECT_NEAR(traced(trace.rounds.at(4), pressure, static_cast<int>(east)), 1.0, 1e-12)
      << "pressure is capped at 1";
  // East's trust in west halves with each act; west's trust is untouched.
  const double east0 = traced(trace.rounds.at(0), trust, static_cast<int>(east));
  EXPECT_NEAR(traced(trace.rounds.at(1), trust, static_cast<int>(east)), east0 * 0.5, 1e-12);
  EXPECT_EQ(traced(trace.rounds.at(1), trust, static_cast<int>(west)),
            traced(trace.rounds.at(0), trust, static_cast<int>(west)));
  EXPECT_EQ(traced(trace.rounds.at(0), pressure, static_cast<int>(west)), 0);
}

TEST(Coercion, ActsComeAtTheirHazard) {
  // No run ends before the horizon, so the mean number of acts per run is
  // hazard x horizon.
  const double h = 0.15;
  const Scenario s = coerced("{target: east, hazard: " + std::to_string(h) + "}");
  const Negotiation negotiation(s);
  const int runs = 4000;
  double acts = 0;
  for (int i = 0; i < runs; ++i) {
    const RunResult r = negotiation.run(s.seed, 0, static_cast<std::uint64_t>(i));
    ASSERT_EQ(r.outcome, Outcome::no_agreement);
    acts += r.event_counts[negotiation.catalog().event("coercion")];
  }
  const double n = s.rounds.horizon;
  EXPECT_NEAR(acts / runs, h * n, 4 * std::sqrt(h * (1 - h) * n / runs));
}

TEST(Coercion, TheTargetMustBeAnotherPrincipal) {
  EXPECT_EQ(test::problems_of([] { coerced("{target: hawk}"); }),
            std::vector<std::string>{
                "agents.west.coercion.target: not a principal (got \"hawk\", whose role is "
                "spoiler)"});
  EXPECT_EQ(test::problems_of([] { coerced("{hazard: 0.1}"); }).size(), 1u);
  EXPECT_EQ(test::problems_of([] { coerced("{target: east, pressure: 2}"); }).size(), 1u);
}

}  // namespace
}  // namespace negsim::model
