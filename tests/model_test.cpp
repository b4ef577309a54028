// Behavioural tests of the model: over a few thousand seeded runs, changing
// one assumption must move the outcome the way the model says it does. The
// runs use the same seeds on both sides of each comparison (common random
// numbers), so the differences are the assumption's, not noise.
#include "negsim/model.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "negsim/scenario_yaml.hpp"
#include "test_util.hpp"

namespace negsim::model {
namespace {

const std::string kTalks = test::kDataDir + "/good/talks.yaml";

Scenario talks(std::vector<std::string> sets = {}) {
  LoadOptions options;
  for (const auto& s : sets) options.overrides.push_back(parse_override(s));
  return load_scenario(kTalks, options);
}

struct Rates {
  int runs = 0;
  std::array<int, kOutcomes> outcome{};
  std::array<int, kMaxCauses> cause{};
  std::vector<std::string> causes;  ///< the catalog's names
  double of(Outcome o) const { return double(outcome[static_cast<std::size_t>(o)]) / runs; }
  double deals() const { return of(Outcome::full_deal) + of(Outcome::interim_deal); }
  double breakdowns(const std::string& c) const {
    const auto at = std::find(causes.begin(), causes.end(), c);
    EXPECT_NE(at, causes.end()) << c;
    return double(cause[static_cast<std::size_t>(at - causes.begin())]) / runs;
  }
};

Rates simulate(const Scenario& s, int runs = 2000) {
  const Negotiation negotiation(s);
  Rates r;
  r.runs = runs;
  r.causes = negotiation.catalog().causes;
  for (int i = 0; i < runs; ++i) {
    const RunResult res = negotiation.run(s.seed, 0, static_cast<std::uint64_t>(i));
    ++r.outcome[static_cast<std::size_t>(res.outcome)];
    ++r.cause[res.cause];
  }
  return r;
}

/// A round's text (real units) by the drafting mechanism's field name; NaN
/// on the issues it leaves unsettled.
std::vector<double> text(const Negotiation& negotiation, const RoundTrace& round,
                         const char* field) {
  std::vector<double> out;
  const std::size_t f = negotiation.catalog().field(field);
  for (std::size_t k = 0; k < negotiation.scenario().issues.size(); ++k) {
    out.push_back(traced(round, f, -1, static_cast<int>(k)));
  }
  return out;
}

TEST(Model, CompatiblePositionsAndFastConcessionNearlyAlwaysReachAFullDeal) {
  const Rates r =
      simulate(talks({"agents.east.ideal={nuclear: 10, relief: 30}", "agents.west.concession=0.3",
                      "agents.east.concession=0.3", "agents.hawk.strike.base=0"}));
  EXPECT_GE(r.of(Outcome::full_deal), 0.95);
}

TEST(Model, DisjointRedLinesOnEveryIssueNeverYieldADeal) {
  const Rates r = simulate(talks({"agents.west.red_lines={nuclear: {max: 20}, relief: {max: 30}}",
                                  "agents.east.red_lines={nuclear: {min: 50}, relief: {min: 60}}",
                                  "agents.west.concession=0.5", "agents.east.concession=0.5"}));
  EXPECT_EQ(r.outcome[static_cast<std::size_t>(Outcome::full_deal)], 0);
  EXPECT_EQ(r.outcome[static_cast<std::size_t>(Outcome::interim_deal)], 0);
  // With nothing acceptable, principals at their reservation walk out.
  EXPECT_GT(r.breakdowns("walkout"), 0.3);
}

TEST(Model, RaisingTheStrikeHazardDoesNotRaiseTheFullDealRate) {
  const Rates low = simulate(talks({"agents.hawk.strike.base=0.005"}));
  const Rates high = simulate(talks({"agents.hawk.strike.base=0.1"}));
  EXPECT_LT(high.of(Outcome::full_deal), low.of(Outcome::full_deal));
  EXPECT_GT(high.breakdowns("strike"), low.breakdowns("strike"));
}

TEST(Model, RaisingTrustDoesNotLowerTheDealRate) {
  const Rates low = simulate(talks({"agents.west.trust=0.1", "agents.east.trust=0.1"}));
  const Rates high = simulate(talks({"agents.west.trust=0.9", "agents.east.trust=0.9"}));
  EXPECT_GE(high.deals(), low.deals());
  EXPECT_GT(high.deals(), low.deals() + 0.02) << "trust should matter, not merely not hurt";
}

TEST(Model, AnImmediateSnapbackRaisesTheBreakdownRate) {
  // A threshold of 0 never fires. Deadline 0 with threshold 0.9: judged in
  // round 1, when progress is still low, so it fires; the target may then
  // walk out (docs/MODEL.md, snapback).
  const std::vector<std::string> common{"agents.guard.snapback.deadline=0",
                                        "events.snapback.walkout_hazard=0.05"};
  auto never = common, now = common;
  never.push_back("agents.guard.snapback.progress_below=0");
  now.push_back("agents.guard.snapback.progress_below=0.9");
  const Rates a = simulate(talks(never)), b = simulate(talks(now));
  EXPECT_EQ(a.breakdowns("snapback"), 0.0);
  EXPECT_GT(b.breakdowns("snapback"), 0.05);
  EXPECT_GT(b.of(Outcome::breakdown), a.of(Outcome::breakdown));
}

TEST(Model, FailedRatificationWithPhasingCapsTheRelief) {
  const Scenario s = talks({"agents.west.domestic={caps: {relief: 40}, ratification: 0}",
                            "events.ratification.on_failure=phase", "agents.west.concession=0.3",
                            "agents.east.concession=0.3"});
  const Negotiation negotiation(s);
  int phased = 0, deals = 0;
  for (int i = 0; i < 1000; ++i) {
    const RunResult r = negotiation.run(s.seed, 0, static_cast<std::uint64_t>(i));
    if (r.outcome != Outcome::full_deal && r.outcome != Outcome::interim_deal) continue;
    ++deals;
    EXPECT_LE(r.terms[1], 40 + 1e-9) << "run " << i;  // the legislature never approves more
    phased += r.phased;
    if (r.phased) {
      EXPECT_GE(r.event_counts[negotiation.catalog().event("ratification_failed")], 1);
    }
  }
  EXPECT_GT(deals, 30) << "enough deals for the check to mean something";
  EXPECT_GT(phased, 0);
}

TEST(Model, AFloorNeedsRatificationAndPhasingRaisesTheTexts) {
  // East's legislature rejects any deal with less than 80% relief (a floor,
  // docs/MODEL.md §6.5): every deal it lets stand has at least 80, and after
  // a rejection under `phase` the texts do.
  const Scenario s = talks({"agents.east.domestic={caps: {relief: {min: 80}}, ratification: 0}",
                            "events.ratification.on_failure=phase", "agents.west.concession=0.3",
                            "agents.east.concession=0.3"});
  const Negotiation negotiation(s);
  int phased = 0, deals = 0;
  for (int i = 0; i < 1000; ++i) {
    const RunResult r = negotiation.run(s.seed, 0, static_cast<std::uint64_t>(i));
    if (r.outcome != Outcome::full_deal) continue;
    ++deals;
    EXPECT_GE(r.terms[1], 80 - 1e-9) << "run " << i;
    phased += r.phased;
  }
  EXPECT_GT(deals, 30) << "enough deals for the check to mean something";
  EXPECT_GT(phased, 0);
}

TEST(Model, LobbyingMovesThePositionHalfWayToItsTargetEachRound) {
  // Hawk (ideal nuclear 30) pulls west (ideal 0) with weight 0.4 on nuclear
  // only: target 0 + 0.4 (30 - 0) = 12, and the traced position closes half
  // the gap each round: 6, 9, 10.5 (docs/MODEL.md §5). Relief, which hawk
  // does not care about, stays at west's ideal.
  const Scenario s = talks({"agents.hawk.ideal={nuclear: 30}", "agents.hawk.influence={west: 0.4}",
                            "agents.hawk.strike.base=0"});
  const Negotiation negotiation(s);
  Trace trace;
  negotiation.run(s.seed, 0, 0, &trace);
  ASSERT_GE(trace.rounds.size(), 3u);
  const std::size_t position = negotiation.catalog().field("position");
  const int west = static_cast<int>(*s.agent_index("west"));
  const double expected[] = {6, 9, 10.5};
  for (std::size_t t = 0; t < 3; ++t) {
    EXPECT_NEAR(traced(trace.rounds[t], position, west, 0), expected[t], 1e-9) << "round " << t + 1;
    EXPECT_NEAR(traced(trace.rounds[t], position, west, 1), 20, 1e-9) << "round " << t + 1;
  }
  // East, whom nobody lobbies, has no position line.
  EXPECT_TRUE(
      std::isnan(traced(trace.rounds[0], position, static_cast<int>(*s.agent_index("east")), 0)));
}

TEST(Model, TheConcessionPaceFollowsRatePressureAndTrust) {
  // pace = min(1, c (1 + p) (0.5 + 0.5 tau)) (docs/MODEL.md §4.3), traced
  // per principal; the next round's aspiration follows from it.
  const Scenario s = talks({"agents.west.concession=0.2", "agents.west.trust=0.5",
                            "agents.west.domestic={pressure: 0.25}", "agents.hawk.strike.base=0",
                            "protocol.trust_gain=0"});
  const Negotiation negotiation(s);
  Trace trace;
  negotiation.run(s.seed, 0, 0, &trace);
  ASSERT_GE(trace.rounds.size(), 2u);
  const int west = static_cast<int>(*s.agent_index("west"));
  const auto& c = negotiation.catalog();
  const double pace = traced(trace.rounds[0], c.field("concession_pace"), west);
  EXPECT_NEAR(pace, 0.2 * 1.25 * 0.75, 1e-12);
  const double r = traced(trace.rounds[0], c.field("reservation"), west);
  const double a1 = traced(trace.rounds[0], c.field("aspiration"), west);
  EXPECT_NEAR(traced(trace.rounds[1], c.field("aspiration"), west), r + (a1 - r) * (1 - pace),
              1e-12);
}

TEST(Model, TextsStayWithinThePrincipalsRedLines) {
  const Scenario s = talks(
      {"agents.west.red_lines={nuclear: {max: 40}}", "agents.east.red_lines={relief: {min: 50}}"});
  const Negotiation negotiation(s);
  for (int i = 0; i < 50; ++i) {
    Trace trace;
    negotiation.run(s.seed, 0, static_cast<std::uint64_t>(i), &trace);
    for (const auto& round : trace.rounds) {
      const auto full = text(negotiation, round, "full_text");
      const auto interim = text(negotiation, round, "interim_text");
      EXPECT_LE(full[0], 40 + 1e-9);
      EXPECT_GE(full[1], 50 - 1e-9);
      EXPECT_LE(interim[0], 40 + 1e-9);
      EXPECT_TRUE(std::isnan(interim[1]));  // unsettled: left at the status quo, not drafted
    }
  }
}

/// The mean and spread of the first full text on an issue, over many runs.
struct TextStats {
  double mean = 0, sd = 0;
};
TextStats first_text(const Scenario& s, std::size_t issue, int runs = 400) {
  const Negotiation negotiation(s);
  double sum = 0, sum2 = 0;
  for (int i = 0; i < runs; ++i) {
    Trace trace;
    negotiation.run(s.seed, 0, static_cast<std::uint64_t>(i), &trace);
    const double x = text(negotiation, trace.rounds.front(), "full_text")[issue];
    sum += x;
    sum2 += x * x;
  }
  const double mean = sum / runs;
  return {mean, std::sqrt(std::max(0.0, sum2 / runs - mean * mean))};
}

TEST(Model, MediatorBiasTiltsTheTextTowardTheFavouredSide) {
  // East's ideal is 100 on both issues, west's 0 and 20: leaning toward east
  // moves the text up on the issues taken together. Quadratic utilities put
  // the Nash text inside the box, where the weights move it (with linear
  // ones it sits at a vertex and moves little).
  for (const char* rule : {"nash", "compromise"}) {
    const std::string r = std::string("protocol.rule=") + rule;
    const std::string q1 = "agents.west.risk=2", q2 = "agents.east.risk=2";
    auto toward_east = [](const Scenario& s) {
      return first_text(s, 0).mean + first_text(s, 1).mean;
    };
    const double fair = toward_east(talks({r, q1, q2, "agents.broker.skill=1"}));
    const double leaning = toward_east(talks(
        {r, q1, q2, "agents.broker.skill=1", "agents.broker.bias={toward: east, amount: 0.8}"}));
    EXPECT_GT(leaning, fair + 1) << rule;
  }
}

TEST(Model, MediatorSkillReducesTheDraftingError) {
  const TextStats clumsy =
      first_text(talks({"agents.broker.skill=0", "protocol.text_noise=0.2"}), 1);
  const TextStats skilled =
      first_text(talks({"agents.broker.skill=0.9", "protocol.text_noise=0.2"}), 1);
  const TextStats perfect =
      first_text(talks({"agents.broker.skill=1", "protocol.text_noise=0.2"}), 1);
  EXPECT_GT(clumsy.sd, 2 * skilled.sd);
  EXPECT_LT(perfect.sd, skilled.sd);
}

TEST(Model, AnUncertainRedLineHoldsInTheRunsThatDrawIt) {
  // East's red line on the nuclear issue is 50 in about half the runs and
  // absent (0) in the others; the texts follow each run's draw.
  const Scenario s =
      talks({"agents.east.red_lines={nuclear: {min: {choice: [0, 50]}}}", "agents.broker.skill=1"});
  const Negotiation negotiation(s);
  const std::size_t line = negotiation.param("east.red_lines.nuclear.min");
  int held = 0;
  const int runs = 400;
  for (int i = 0; i < runs; ++i) {
    Draw d;
    negotiation.draw(s.seed, 0, static_cast<std::uint64_t>(i), d);
    const bool drawn = d.values[line] > 0;
    Trace trace;
    negotiation.run(s.seed, 0, static_cast<std::uint64_t>(i), &trace);
    const double nuclear = text(negotiation, trace.rounds.front(), "full_text")[0];
    if (drawn) {
      EXPECT_GE(nuclear, 50 - 1e-9);
      ++held;
    } else {
      EXPECT_LT(nuclear, 50);  // west's ideal of 0 pulls the text down
    }
  }
  EXPECT_GT(held, runs * 0.35);
  EXPECT_LT(held, runs * 0.65);
}

/// Every field of two results, the events' contents included, bit for bit.
bool same(const RunResult& a, const RunResult& b) {
  return a.outcome == b.outcome && a.cause == b.cause && a.round == b.round && a.agent == b.agent &&
         a.phased == b.phased && a.interim_round == b.interim_round && a.terms == b.terms &&
         a.utility == b.utility && a.event_counts == b.event_counts && a.n_events == b.n_events &&
         a.events == b.events;
}

TEST(Model, SameComparesTheEventsThemselves) {
  // same() is what the reproducibility tests rest on: it must see a change
  // in an event's round, kind or agent, not only in the counts.
  RunResult a;
  a.n_events = 1;
  a.events[0] = Event{3, 1, 2};
  RunResult b = a;
  EXPECT_TRUE(same(a, b));
  b.events[0].round = 4;
  EXPECT_FALSE(same(a, b));
  b = a;
  b.events[0].agent = 1;
  EXPECT_FALSE(same(a, b));
  b = a;
  b.events[0].kind = 2;
  EXPECT_FALSE(same(a, b));
}

TEST(Model, SameInputsGiveBitIdenticalResults) {
  const Scenario s = load_scenario(test::kDefaultScenario);
  const Negotiation negotiation(s);
  std::vector<RunResult> forward;
  for (int i = 0; i < 200; ++i)
    forward.push_back(negotiation.run(s.seed, 0, static_cast<std::uint64_t>(i)));
  // The same runs in reverse order, and from a second Negotiation object.
  const Negotiation again(s);
  int differing_from_first = 0;
  for (int i = 199; i >= 0; --i) {
    const RunResult r = again.run(s.seed, 0, static_cast<std::uint64_t>(i));
    EXPECT_TRUE(same(r, forward[static_cast<std::size_t>(i)])) << "run " << i;
    differing_from_first += !same(r, forward[0]);
  }
  EXPECT_GT(differing_from_first, 100) << "runs must differ from one another";
  // A different seed, or a different design point, gives different runs
  // (utilities are continuous draws: two runs coincide only by accident).
  int other_seed = 0, other_point = 0;
  for (int i = 0; i < 200; ++i) {
    const auto r = static_cast<std::uint64_t>(i);
    other_seed += !same(negotiation.run(s.seed + 1, 0, r), forward[r]);
    other_point += !same(negotiation.run(s.seed, 1, r), forward[r]);
  }
  EXPECT_EQ(other_seed, 200);
  EXPECT_EQ(other_point, 200);
}

TEST(Model, TraceTellsTheSameStoryAsTheResult) {
  const Scenario s = load_scenario(test::kDefaultScenario);
  const Negotiation negotiation(s);
  for (int i = 0; i < 30; ++i) {
    Trace trace;
    const RunResult traced = negotiation.run(s.seed, 0, static_cast<std::uint64_t>(i), &trace);
    EXPECT_TRUE(same(traced, negotiation.run(s.seed, 0, static_cast<std::uint64_t>(i))))
        << "tracing must not change the run";
    // An interim deal that held ran to the horizon; its round is the one
    // it took effect.
    const bool held = traced.outcome == Outcome::interim_deal && traced.interim_round > 0;
    ASSERT_EQ(trace.rounds.size(),
              static_cast<std::size_t>(held ? s.rounds.horizon : traced.round));
    if (held) {
      EXPECT_EQ(traced.round, traced.interim_round);
    }
    EXPECT_EQ(trace.rounds.back().decision.rfind(to_string(traced.outcome), 0), 0u)
        << trace.rounds.back().decision;
  }
}

TEST(Draw, EachParameterDrawsFromItsOwnStream) {
  // Making one parameter uncertain, or adding one, leaves every other draw
  // unchanged: the streams are keyed by the parameters' names.
  const Scenario a = talks();
  const Scenario b = talks({"agents.hawk.strike.sensitivity={uniform: [0.2, 0.8]}",
                            "agents.west.domestic={unrest: {uniform: [0, 0.1]}}"});
  const Negotiation na(a), nb(b);
  Draw da, db;
  na.draw(a.seed, 0, 3, da);
  nb.draw(b.seed, 0, 3, db);
  ASSERT_GT(nb.catalog().params.size(), na.catalog().params.size());
  int compared = 0;
  for (std::size_t p = 0; p < na.catalog().params.size(); ++p) {
    const std::string name = na.param_name(p);
    if (name == "hawk.strike.sensitivity") {
      EXPECT_NE(da.values[p], db.values[nb.param(name)]);
      continue;
    }
    EXPECT_EQ(da.values[p], db.values[nb.param(name)]) << name;
    ++compared;
  }
  EXPECT_GT(compared, 20);
  // The same parameter in another run, point or seed draws anew.
  Draw other;
  na.draw(a.seed, 0, 4, other);
  EXPECT_NE(da.values[na.param("west.reservation")], other.values[na.param("west.reservation")]);
}

TEST(Draw, KeepsIssueValuesNormalisedAndShowsThemInTheirUnits) {
  const Scenario s = load_scenario(test::kDefaultScenario);
  const Negotiation negotiation(s);
  Draw d;
  negotiation.draw(s.seed, 0, 0, d);
  // The US red line of 3.67% on a 0-60% range, normalised.
  const std::size_t line = negotiation.param("us.red_lines.enrichment.max");
  EXPECT_DOUBLE_EQ(d.values[line], 3.67 / 60);
  EXPECT_DOUBLE_EQ(negotiation.shown(line, d.values[line]), 3.67);
  // A whole-number parameter is drawn whole.
  const double deadline = d.values[negotiation.param("e3.snapback.deadline")];
  EXPECT_EQ(deadline, std::round(deadline));
  EXPECT_THROW(negotiation.param("us.no_such_thing"), std::out_of_range);
}

}  // namespace
}  // namespace negsim::model

namespace negsim::model {
namespace {

TEST(Model, ALeadershipChangeMayBringANamedSuccessor) {
  // East changes leadership every round; its successor stands at nuclear
  // 70 (within its red lines), so its own ideal moves there, not at random
  // (docs/MODEL.md §6.4). The hawk's zero-weight influence on east makes
  // the trace show east's position, which is then its own ideal.
  const Scenario s = talks({"agents.east.domestic={leadership: 1, successor: {nuclear: 70}}",
                            "events.leadership.shift=0.2", "agents.hawk.strike.base=0",
                            "agents.hawk.influence={west: 0.2, east: 0}"});
  const Negotiation negotiation(s);
  Trace trace;
  const RunResult r = negotiation.run(s.seed, 0, 0, &trace);
  ASSERT_GE(r.event_counts[negotiation.catalog().event("leadership_change")], 1);
  const int east = static_cast<int>(*s.agent_index("east"));
  const std::size_t position = negotiation.catalog().field("position");
  // The position closes half its gap to the (new) own ideal each round
  // (docs/MODEL.md §5): 100 -> 85 -> 77.5 -> 73.75, toward 70.
  double expected = 100;
  for (std::size_t round = 0; round < std::min<std::size_t>(3, trace.rounds.size()); ++round) {
    expected = 70 + 0.5 * (expected - 70);
    EXPECT_NEAR(traced(trace.rounds[round], position, east, 0), expected, 1e-9)
        << "round " << round + 1;
  }
  // Without a successor the change is a random step.
  const Scenario random =
      talks({"agents.east.domestic={leadership: 1}", "events.leadership.shift=0.2",
             "agents.hawk.strike.base=0", "agents.hawk.influence={west: 0.2, east: 0}"});
  const Negotiation rn(random);
  Trace rt;
  rn.run(random.seed, 0, 0, &rt);
  EXPECT_GT(std::abs(traced(rt.rounds[0], rn.catalog().field("position"), east, 0) - 70), 1);
  EXPECT_EQ(load_scenario_text(to_yaml(s), "resolved.yaml"), s);
  const auto bad =
      test::problems_of([] { talks({"agents.east.domestic={successor: {nuclear: 170}}"}); });
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_NE(bad[0].find("agents.east.domestic.successor.nuclear: out of range"), std::string::npos)
      << bad[0];
}

}  // namespace
}  // namespace negsim::model
