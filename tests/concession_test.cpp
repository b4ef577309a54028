// The concession mechanism (docs/MODEL.md, "concession"): where aspirations
// start, the tactics that move them (Faratin, Sierra & Jennings 1998),
// deadlines, and the walk-outs they make reachable. Each test checks a
// number the equations give, so a wrong version of a tactic fails.
#include "negsim/mechanisms/concession.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "negsim/scenario_yaml.hpp"
#include "test_util.hpp"

namespace negsim::model {
namespace {

const std::string kTalks = test::kDataDir + "/good/talks.yaml";

/// The test talks with no deal possible (disjoint red lines), no strike,
/// no snapback, complete trust (so mistrust does not slow anyone) and no
/// trust growth, changed by `sets`.
Scenario deadlock(std::vector<std::string> sets) {
  LoadOptions options;
  std::vector<std::string> all{"agents.west.red_lines={nuclear: {max: 20}, relief: {max: 30}}",
                               "agents.east.red_lines={nuclear: {min: 50}, relief: {min: 60}}",
                               "agents.hawk.strike.base=0",
                               "agents.guard.snapback.progress_below=0",
                               "agents.west.trust=1",
                               "agents.east.trust=1",
                               "agents.west.reservation=0.3",
                               "agents.east.reservation=0.3",
                               "protocol.trust_gain=0"};
  all.insert(all.end(), sets.begin(), sets.end());
  for (const auto& s : all) options.overrides.push_back(parse_override(s));
  return load_scenario(kTalks, options);
}

struct Traced {
  Negotiation negotiation;
  Trace trace;
  RunResult result;
  explicit Traced(const Scenario& s, std::uint64_t run = 0) : negotiation(s) {
    result = negotiation.run(s.seed, 0, run, &trace);
  }
  double at(int round, const char* field, const char* agent) const {
    const auto& s = negotiation.scenario();
    return traced(trace.rounds.at(static_cast<std::size_t>(round - 1)),
                  negotiation.catalog().field(field), static_cast<int>(*s.agent_index(agent)));
  }
};

TEST(Concession, AspirationsStartTheGivenShareOfTheWayFromReservationToIdeal) {
  const Traced t(deadlock(
      {"agents.west.concession={start: 0.4}", "agents.east.concession={tactic: geometric}"}));
  EXPECT_NEAR(t.at(1, "aspiration", "west"), 0.3 + 0.4 * 0.7, 1e-12);
  // The default (a judgement, docs/MODEL.md): three quarters of the way.
  EXPECT_NEAR(t.at(1, "aspiration", "east"), 0.3 + Concession::kDefaultStart * 0.7, 1e-12);
  EXPECT_EQ(Concession::kDefaultStart, 0.75);
}

TEST(Concession, ALinearTacticReachesTheReservationExactlyAtTheDeadline) {
  // a(t) = r + (a0 - r) (1 - ((t - 1) / (T - 1))^(1 / beta)), T = 10.
  const Traced t(
      deadlock({"agents.west.concession={tactic: time, shape: 1, deadline: 10, "
                "on_deadline: stay}",
                "protocol.walkout.hazard=0"}));
  ASSERT_GE(t.trace.rounds.size(), 12u);
  const double r = 0.3, a0 = 0.3 + Concession::kDefaultStart * 0.7;
  for (int round = 1; round <= 10; ++round) {
    EXPECT_NEAR(t.at(round, "aspiration", "west"), r + (a0 - r) * (1 - (round - 1) / 9.0), 1e-12)
        << "round " << round;
  }
  EXPECT_EQ(t.at(10, "aspiration", "west"), r);  // exactly, not nearly
  EXPECT_EQ(t.at(12, "aspiration", "west"), r);  // and it stays there
  EXPECT_GT(t.at(9, "aspiration", "west"), r);
}

TEST(Concession, ABoulwareConcedesLateAndAConcederEarly) {
  // beta < 1 holds out (Boulware), beta > 1 gives way early (conceder):
  // halfway to the deadline, the remaining share of the gap is 1 - 0.5^(1/beta).
  for (const double beta : {0.5, 1.0, 2.0}) {
    const Traced t(deadlock({"agents.west.concession={tactic: time, shape: " +
                                 std::to_string(beta) + ", deadline: 11, on_deadline: stay}",
                             "protocol.walkout.hazard=0"}));
    const double r = 0.3, a0 = 0.3 + Concession::kDefaultStart * 0.7;
    EXPECT_NEAR(t.at(6, "aspiration", "west"), r + (a0 - r) * (1 - std::pow(0.5, 1 / beta)), 1e-12)
        << "beta " << beta;
  }
}

TEST(Concession, MistrustBendsTheTimeTacticButKeepsItsDeadline) {
  // Trust 0.5: m = 0.5 + 0.5 * 0.5 = 0.75, so the exponent is 1 / (beta m):
  // halfway to the deadline the gap left is 1 - 0.5^(1 / 0.75); at the
  // deadline the aspiration is the reservation all the same.
  const Traced t(deadlock({"agents.west.concession={tactic: time, deadline: 9, on_deadline: stay}",
                           "agents.west.trust=0.5", "protocol.walkout.hazard=0"}));
  const double r = 0.3, a0 = 0.3 + Concession::kDefaultStart * 0.7;
  EXPECT_NEAR(t.at(5, "aspiration", "west"), r + (a0 - r) * (1 - std::pow(0.5, 1 / 0.75)), 1e-12);
  EXPECT_EQ(t.at(9, "aspiration", "west"), r);
  // Pressure bends it the other way: 0.25 more pressure at full trust, m = 1.25.
  const Traced p(deadlock({"agents.west.concession={tactic: time, deadline: 9, on_deadline: stay}",
                           "agents.west.domestic={pressure: 0.25}", "protocol.walkout.hazard=0"}));
  EXPECT_NEAR(p.at(5, "aspiration", "west"), r + (a0 - r) * (1 - std::pow(0.5, 1 / 1.25)), 1e-12);
  EXPECT_EQ(p.at(9, "aspiration", "west"), r);
}

TEST(Concession, AnImitatorCopiesTheOthersShareAndTitForTatTheirAmount) {
  // East concedes 20% of its gap each round; from round 2 on an imitative
  // west gives up the share east gave up the round before, a tit-for-tat
  // west the same amount of utility. Round 1 is the opening move, at the rate.
  const std::vector<std::string> east{"agents.east.concession={rate: 0.2}",
                                      "protocol.walkout.hazard=0"};
  auto with = [&](const std::string& west) {
    auto sets = east;
    sets.push_back(west);
    return deadlock(sets);
  };
  const Traced imitative(with("agents.west.concession={tactic: imitative, rate: 0.1}"));
  EXPECT_NEAR(imitative.at(1, "concession_pace", "west"), 0.1, 1e-12);
  for (int round = 2; round <= 6; ++round) {
    EXPECT_NEAR(imitative.at(round, "concession_pace", "west"),
                imitative.at(round - 1, "concession_pace", "east"), 1e-12);
  }
  const Traced tft(with("agents.west.concession={tactic: tit_for_tat, rate: 0.1}"));
  for (int round = 2; round <= 6; ++round) {
    const double east_fall =
        tft.at(round - 1, "aspiration", "east") - tft.at(round, "aspiration", "east");
    const double west_fall =
        tft.at(round, "aspiration", "west") - tft.at(round + 1, "aspiration", "west");
    EXPECT_NEAR(west_fall, east_fall, 1e-12) << "round " << round;
  }
}

TEST(Concession, AnUltimatumEndsTheTalksWhenItsDeadlinePasses) {
  const Scenario walkout =
      deadlock({"agents.west.concession={tactic: time, deadline: 6}", "protocol.walkout.hazard=0"});
  const Negotiation negotiation(walkout);
  const Cause deadline = negotiation.catalog().cause("deadline");
  for (std::uint64_t run = 0; run < 50; ++run) {
    const RunResult r = negotiation.run(walkout.seed, 0, run);
    EXPECT_EQ(r.outcome, Outcome::breakdown);
    EXPECT_EQ(r.cause, deadline);
    EXPECT_EQ(r.round, 6);
    EXPECT_EQ(r.agent, static_cast<int>(*walkout.agent_index("west")));
  }
  // `stay`: the principal holds at its reservation; no one walks out.
  const Scenario stay =
      deadlock({"agents.west.concession={tactic: time, deadline: 6, "
                "on_deadline: stay}",
                "protocol.walkout.hazard=0"});
  const Negotiation stays(stay);
  for (std::uint64_t run = 0; run < 50; ++run) {
    EXPECT_EQ(stays.run(stay.seed, 0, run).outcome, Outcome::no_agreement);
  }
}

TEST(Concession, TheWalkoutRateHasItsClosedForm) {
  // Both principals reach their reservation in round D = 20 and not before
  // (time tactics with beta = 0.02 hold out to the last round), and no text
  // ever reaches a reservation of 0.95, so from round D each walks out with
  // hazard h: over the n = 30 - 20 + 1 rounds left, P(walk-out) = 1 - (1 - h)^(2n).
  const double h = 0.05;
  const std::string tactic = "{tactic: time, shape: 0.02, deadline: 20, on_deadline: stay}";
  const Scenario s =
      deadlock({"agents.west.reservation=0.95", "agents.east.reservation=0.95",
                "agents.west.concession=" + tactic, "agents.east.concession=" + tactic,
                "protocol.walkout.hazard=" + std::to_string(h)});
  const Negotiation negotiation(s);
  const Cause walkout = negotiation.catalog().cause("walkout");
  const int runs = 6000;
  int walked = 0, before_deadline = 0;
  for (int i = 0; i < runs; ++i) {
    const RunResult r = negotiation.run(s.seed, 0, static_cast<std::uint64_t>(i));
    if (r.outcome == Outcome::breakdown && r.cause == walkout) {
      ++walked;
      before_deadline += r.round < 20;
    }
  }
  const double expected = 1 - std::pow(1 - h, 2 * 11);
  const double se = std::sqrt(expected * (1 - expected) / runs);
  EXPECT_NEAR(double(walked) / runs, expected, 4 * se);
  EXPECT_EQ(before_deadline, 0);
}

}  // namespace
}  // namespace negsim::model

namespace negsim::model {
namespace {

TEST(Concession, AScenarioBuiltInCodeWithoutTheBlockConcedesByTheDeclaredDefaults) {
  // The block is always there when a file is read; a program that builds
  // its Scenario in code may leave it out, and then every principal draws
  // the defaults the block declares (kept by the parameter, not borrowed).
  Scenario s = load_scenario(test::kDataDir + "/good/talks.yaml");
  for (Agent& a : s.agents) a.extensions.clear();
  const Negotiation negotiation(s);
  Draw draw;
  negotiation.draw(s.seed, 0, 0, draw);
  EXPECT_EQ(draw.values[negotiation.param("west.concession.rate")], 0.05);
  EXPECT_EQ(draw.values[negotiation.param("east.concession.start")], Concession::kDefaultStart);
  const Traced t(s);
  EXPECT_NEAR(t.at(1, "aspiration", "west"),
              t.at(1, "reservation", "west") +
                  Concession::kDefaultStart * (1 - t.at(1, "reservation", "west")),
              1e-12);
}

}  // namespace
}  // namespace negsim::model
