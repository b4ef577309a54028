// Trust between pairs (docs/MODEL.md §4.4): each principal's trust in each
// other, moved by reciprocity in proportion to the concession answered, by
// concessions made alone (costly signals), and by shocks aimed at the
// principal responsible. Three principals, so that a rule that moved every
// pair alike, or one that needed everyone to concede, fails.
#include <gtest/gtest.h>

#include <cmath>

#include "negsim/mechanism.hpp"
#include "negsim/scenario_yaml.hpp"
#include "test_util.hpp"

namespace negsim::model {
namespace {

// a and b concede geometrically toward disjoint red lines (no deal); c
// starts at its reservation and never concedes.
const char* kThree = R"(negsim: 1
name: three principals
seed: 3
rounds: {unit: week, horizon: 6}
protocol: {rule: nash, trust_gain: 0.1}
issues:
  x: {unit: u, range: [0, 100], status_quo: 50}
agents:
  a:
    role: principal
    reservation: 0.2
    trust: 0.3
    ideal: {x: 0}
    salience: {x: 1}
    red_lines: {x: {max: 10}}
    concession: {rate: 0.2, start: 1}
  b:
    role: principal
    reservation: 0.2
    trust: 0.4
    ideal: {x: 100}
    salience: {x: 1}
    red_lines: {x: {min: 90}}
    concession: {rate: 0.1, start: 1}
  c:
    role: principal
    reservation: 0.2
    trust: 0.5
    ideal: {x: 50}
    salience: {x: 1}
    concession: {start: 0}
)";

struct Traced {
  Negotiation negotiation;
  Trace trace;
  RunResult result;
  explicit Traced(const Scenario& s) : negotiation(s) {
    result = negotiation.run(s.seed, 0, 0, &trace);
  }
  int agent(const char* name) const {
    return static_cast<int>(*negotiation.scenario().agent_index(name));
  }
  double at(int round, const std::string& field, const char* who) const {
    return traced(trace.rounds.at(static_cast<std::size_t>(round - 1)),
                  negotiation.catalog().field(field), agent(who));
  }
  /// i's trust in j in a round, as the trace shows it.
  double trust(int round, const char* i, const char* j) const {
    return at(round, std::string("trust_in.") + j, i);
  }
};

Scenario three(std::vector<std::string> sets = {}) {
  LoadOptions options;
  for (const auto& s : sets) options.overrides.push_back(parse_override(s));
  return load_scenario_text(kThree, "three.yaml", options);
}

TEST(Trust, ReciprocityRaisesThePairsThatConcededInProportionToTheAnswer) {
  const Traced t(three());
  ASSERT_EQ(t.result.outcome, Outcome::no_agreement);
  const double g = 0.1;
  for (int r = 1; r < 6; ++r) {
    const double pa = t.at(r, "concession_pace", "a"), pb = t.at(r, "concession_pace", "b");
    ASSERT_GT(pa, 0);
    ASSERT_GT(pb, 0);
    EXPECT_EQ(t.at(r, "concession_pace", "c"), 0) << "c stands at its reservation";
    // a's trust in b grows by the share of a's concession that b answered.
    EXPECT_NEAR(t.trust(r + 1, "a", "b"),
                t.trust(r, "a", "b") + g * std::min(1.0, pb / pa) * (1 - t.trust(r, "a", "b")),
                1e-12)
        << "round " << r;
    EXPECT_NEAR(t.trust(r + 1, "b", "a"),
                t.trust(r, "b", "a") + g * std::min(1.0, pa / pb) * (1 - t.trust(r, "b", "a")),
                1e-12)
        << "round " << r;
    // Nobody's trust in c grows: c never concedes.
    EXPECT_EQ(t.trust(r + 1, "a", "c"), 0.3);
    EXPECT_EQ(t.trust(r + 1, "b", "c"), 0.4);
    // c's trust in a and b grows by the signal weight (1): they concede
    // while c does not.
    EXPECT_NEAR(t.trust(r + 1, "c", "a"), t.trust(r, "c", "a") + g * (1 - t.trust(r, "c", "a")),
                1e-12);
    // "trust" is the mean over the others.
    EXPECT_NEAR(t.at(r, "trust", "a"), (t.trust(r, "a", "b") + t.trust(r, "a", "c")) / 2, 1e-12);
  }
  // b concedes at half a's rate (a little more or less as trust moves the
  // pace), so a's trust in b grows less than b's trust in a.
  EXPECT_LT(t.trust(6, "a", "b") - 0.3, t.trust(6, "b", "a") - 0.4);
}

TEST(Trust, ASignalWeightScalesConcessionsMadeAlone) {
  for (const double signal : {0.0, 2.5}) {
    const Traced t(three({"mechanisms.trust.signal=" + std::to_string(signal)}));
    for (int r = 1; r < 6; ++r) {
      EXPECT_NEAR(t.trust(r + 1, "c", "b"),
                  t.trust(r, "c", "b") + std::min(1.0, 0.1 * signal) * (1 - t.trust(r, "c", "b")),
                  1e-12)
          << "signal " << signal << ", round " << r;
    }
  }
}

TEST(Trust, PairsMayStartApart) {
  const Traced t(three({"agents.a.trust_in={b: 0.8}"}));
  EXPECT_EQ(t.trust(1, "a", "b"), 0.8);
  EXPECT_EQ(t.trust(1, "a", "c"), 0.3);
  EXPECT_NEAR(t.at(1, "trust", "a"), 0.55, 1e-12);
  // The resolved scenario says so and reads back the same.
  const Scenario s = three({"agents.a.trust_in={b: {uniform: [0.7, 0.9]}}"});
  const std::string yaml = to_yaml(s);
  EXPECT_NE(yaml.find("trust_in: {b: {uniform: [0.7, 0.9]}}"), std::string::npos) << yaml;
  EXPECT_EQ(load_scenario_text(yaml, "resolved.yaml"), s);
  EXPECT_EQ(
      test::problems_of([] { three({"agents.a.trust_in={a: 0.5}"}); }),
      std::vector<std::string>{"agents.a.trust_in.a: an agent cannot refer to itself (got \"a\")"});
  EXPECT_EQ(test::problems_of([] { three({"agents.a.trust_in={d: 0.5}"}); }).size(), 1u);
  EXPECT_EQ(test::problems_of([] { three({"agents.a.trust_in={b: 1.5}"}); }),
            std::vector<std::string>{"agents.a.trust_in.b: out of range (got 1.5, expected a "
                                     "number in [0, 1])"});
}

TEST(Trust, AStrikeByAPrincipalCostsTheOthersTrustInItAlone) {
  const Traced t(three({"protocol.trust_gain=0",
                        "agents.b.strike={base: 1, sensitivity: 0, "
                        "breakdown: 0}",
                        "events.strike.trust_shock=0.5"}));
  for (int r = 1; r < 6; ++r) {
    EXPECT_NEAR(t.trust(r + 1, "a", "b"), t.trust(r, "a", "b") * 0.5, 1e-12);
    EXPECT_NEAR(t.trust(r + 1, "c", "b"), t.trust(r, "c", "b") * 0.5, 1e-12);
    EXPECT_EQ(t.trust(r + 1, "a", "c"), 0.3);
    EXPECT_EQ(t.trust(r + 1, "b", "a"), 0.4);
    EXPECT_EQ(t.trust(r + 1, "c", "a"), 0.5);
  }
}

TEST(Trust, ARejectionCostsTheOthersTrustInThePrincipalWhoseLegislatureSaidNo) {
  // Everyone accepts anything (at a reservation of 0); a's legislature
  // rejects any text beyond its cap, and the talks resume.
  const Traced t(
      three({"protocol.trust_gain=0", "agents.a.red_lines={}", "agents.b.red_lines={}",
             "agents.a.reservation=0", "agents.b.reservation=0", "agents.c.reservation=0",
             "agents.a.concession={start: 0}", "agents.b.concession={start: 0}",
             "agents.a.domestic={caps: {x: 1}, ratification: 0}",
             "events.ratification={on_failure: resume, trust_shock: 0.2}"}));
  const EventKind failed = t.negotiation.catalog().event("ratification_failed");
  ASSERT_GT(t.result.event_counts[failed], 0);
  EXPECT_NEAR(t.trust(2, "b", "a"), 0.4 * 0.8, 1e-12);
  EXPECT_NEAR(t.trust(2, "c", "a"), 0.5 * 0.8, 1e-12);
  EXPECT_EQ(t.trust(2, "a", "b"), 0.3);
  EXPECT_EQ(t.trust(2, "b", "c"), 0.4);
}

}  // namespace
}  // namespace negsim::model
