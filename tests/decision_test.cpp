// Decision rules (docs/MODEL.md §6.5a): unanimity, qualified majorities and
// veto players, on the EU Council's arithmetic and on constructed talks.
#include "negsim/mechanisms/decision.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "negsim/scenario_yaml.hpp"
#include "test_util.hpp"

namespace negsim::model {
namespace {

// The EU's 27 member states and their populations in millions (Eurostat,
// population on 1 January 2024, rounded to 0.1 million), largest first.
const std::vector<std::pair<const char*, double>> kCouncil{
    {"DE", 83.4}, {"FR", 68.4}, {"IT", 59.0}, {"ES", 48.6}, {"PL", 36.6}, {"RO", 19.1},
    {"NL", 17.9}, {"BE", 11.8}, {"CZ", 10.9}, {"SE", 10.6}, {"PT", 10.6}, {"EL", 10.4},
    {"HU", 9.6},  {"AT", 9.2},  {"BG", 6.4},  {"DK", 6.0},  {"FI", 5.6},  {"SK", 5.4},
    {"IE", 5.3},  {"HR", 3.9},  {"LT", 2.9},  {"SI", 2.1},  {"LV", 1.9},  {"EE", 1.4},
    {"CY", 0.9},  {"LU", 0.7},  {"MT", 0.6}};

/// Whether the Council's qualified majority (55% of members, 65% of the
/// population, a blocking minority of at least 4) carries a text that the
/// listed states refuse.
bool council_carries(const std::vector<std::string>& refusing) {
  std::vector<bool> accepts;
  std::vector<double> weights;
  for (const auto& [state, population] : kCouncil) {
    accepts.push_back(std::find(refusing.begin(), refusing.end(), state) == refusing.end());
    weights.push_back(population);
  }
  bool yes[32];
  std::copy(accepts.begin(), accepts.end(), yes);
  return Decision::carried(Decision::Qualified{0.55, 0.65, 4}, yes, weights.data(),
                           kCouncil.size());
}

TEST(Decision, TheEuCouncilsQualifiedMajority) {
  EXPECT_TRUE(council_carries({}));
  // Three states cannot block, however populous (46.9% of the population).
  EXPECT_TRUE(council_carries({"DE", "FR", "IT"}));
  // Four can when they hold more than 35%: DE, FR, IT, ES hold 57.7%.
  EXPECT_FALSE(council_carries({"DE", "FR", "IT", "ES"}));
  // Four small states hold far less than 35%: no blocking minority.
  EXPECT_TRUE(council_carries({"CY", "LU", "MT", "EE"}));
  // The 13 smallest refusing leave 14 of 27 (51.9% < 55%) accepting, with
  // 86% of the population: carried by population, not by members.
  std::vector<std::string> smallest;
  for (std::size_t i = kCouncil.size() - 13; i < kCouncil.size(); ++i) {
    smallest.push_back(kCouncil[i].first);
  }
  EXPECT_FALSE(council_carries(smallest));
  smallest.erase(smallest.begin());  // 12 refusing: 15 of 27 = 55.6%
  EXPECT_TRUE(council_carries(smallest));
  // The population threshold alone: DE, FR, IT and PL against hold 55.1%.
  EXPECT_FALSE(council_carries({"DE", "FR", "IT", "PL"}));
  // 35% exactly blocks nothing unless it is more than 35%: the arithmetic
  // of shares is at the threshold, not rounded away.
  bool yes[3] = {true, true, false};
  const double w[3] = {0.325, 0.325, 0.35};
  EXPECT_TRUE(Decision::carried(Decision::Qualified{0, 0.65, 1}, yes, w, 3));
  const double w2[3] = {0.32, 0.32, 0.36};
  EXPECT_FALSE(Decision::carried(Decision::Qualified{0, 0.65, 1}, yes, w2, 3));
}

const std::string kTalks = test::kDataDir + "/good/talks.yaml";

/// The test talks with a third principal, north, who never accepts
/// anything (its aspiration stays at 0.99), no strikes and no walk-outs.
Scenario with_north(std::vector<std::string> sets) {
  LoadOptions options;
  std::vector<std::string> all{
      "agents.hawk.strike.base=0",
      "protocol.walkout.hazard=0",
      "agents.west.concession=0.3",
      "agents.east.concession=0.3",
      "agents.east.ideal={nuclear: 10, relief: 30}",
      "agents.north={role: principal, reservation: 0.99, concession: {start: 1, rate: 0}, "
      "ideal: {nuclear: 50, relief: 50}, salience: {nuclear: 0.5, relief: 0.5}}"};
  all.insert(all.end(), sets.begin(), sets.end());
  for (const auto& s : all) options.overrides.push_back(parse_override(s));
  return load_scenario(kTalks, options);
}

std::array<int, kOutcomes> outcomes(const Scenario& s, int runs = 400) {
  const Negotiation negotiation(s);
  std::array<int, kOutcomes> out{};
  for (int i = 0; i < runs; ++i) {
    ++out[static_cast<std::size_t>(
        negotiation.run(s.seed, 0, static_cast<std::uint64_t>(i)).outcome)];
  }
  return out;
}

TEST(Decision, AQualifiedMajorityCarriesWhatUnanimityCannot) {
  const auto unanimity = outcomes(with_north({}));
  EXPECT_EQ(unanimity[0] + unanimity[1], 0) << "north refuses every text";
  // Two of three (0.67 >= 0.6) carry a text north refuses.
  const auto qualified =
      outcomes(with_north({"mechanisms.voting={rule: qualified, members: 0.6, weight: 0}"}));
  EXPECT_GT(qualified[0], 300);
  // With north's weight above the threshold's complement, it blocks again.
  const auto weighted =
      outcomes(with_north({"mechanisms.voting={rule: qualified, members: 0.6, weight: 0.65}",
                           "agents.north.vote={weight: 2}"}));
  EXPECT_EQ(weighted[0] + weighted[1], 0);
}

TEST(Decision, AVetoPlayerBlocksExactlyTheTextsThatSettleItsIssues) {
  // North's veto on relief: the full text settles relief, the interim text
  // (nuclear only) does not. So only interim deals remain.
  const auto veto =
      outcomes(with_north({"mechanisms.voting={rule: qualified, members: 0.6, weight: 0}",
                           "agents.north.vote={veto: [relief]}"}));
  EXPECT_EQ(veto[0], 0);
  EXPECT_GT(veto[1], 100);
  // On nuclear it blocks both texts.
  const auto both =
      outcomes(with_north({"mechanisms.voting={rule: qualified, members: 0.6, weight: 0}",
                           "agents.north.vote={veto: [nuclear]}"}));
  EXPECT_EQ(both[0] + both[1], 0);
}

TEST(Decision, VoteFieldsAreCheckedWhereTheyAreWritten) {
  auto problems = [](std::vector<std::string> sets) {
    return test::problems_of([&] { with_north(std::move(sets)); });
  };
  EXPECT_EQ(
      problems({"agents.north.vote={veto: [relef]}"}),
      std::vector<std::string>{
          "agents.north.vote.veto.0: unknown issue (got \"relef\", did you mean \"relief\"?)"});
  EXPECT_EQ(
      problems({"agents.north.vote={veto: [relief, relief]}"}),
      std::vector<std::string>{"agents.north.vote.veto.1: issue listed twice (got \"relief\")"});
  EXPECT_EQ(
      problems({"mechanisms.voting={rule: qualifed}"}),
      std::vector<std::string>{"mechanisms.voting.rule: unknown choice (got \"qualifed\", did "
                               "you mean \"qualified\"?)"});
  EXPECT_EQ(problems({"agents.hawk.vote={weight: 2}"}),
            std::vector<std::string>{
                "agents.hawk.vote: not used by a spoiler (applies to principal agents)"});
}

}  // namespace
}  // namespace negsim::model

namespace negsim::model {
namespace {

TEST(Roles, APrincipalMayAlsoStrikeAndLobby) {
  // West strikes every round (hazard 1, no breakdown) and pulls east's
  // position toward its own; the others' trust falls, its own does not.
  LoadOptions options;
  for (const char* set :
       {"agents.hawk.strike.base=0", "agents.west.strike={base: 1, sensitivity: 0, breakdown: 0}",
        "agents.west.influence={east: 0.4}", "agents.west.trust=0.5", "agents.east.trust=0.5",
        "events.strike.trust_shock=0.5", "protocol.trust_gain=0"}) {
    options.overrides.push_back(parse_override(set));
  }
  const Scenario s = load_scenario(test::kDataDir + "/good/talks.yaml", options);
  const Negotiation negotiation(s);
  Trace trace;
  negotiation.run(s.seed, 0, 0, &trace);
  ASSERT_GE(trace.rounds.size(), 2u);
  const auto& c = negotiation.catalog();
  const int west = static_cast<int>(*s.agent_index("west"));
  const int east = static_cast<int>(*s.agent_index("east"));
  EXPECT_EQ(traced(trace.rounds[1], c.field("trust"), west), 0.5);
  EXPECT_NEAR(traced(trace.rounds[1], c.field("trust"), east), 0.25, 1e-12);
  // East's nuclear position moves half of 0.4 of the way to west's ideal (0)
  // from its own (100) in round 1.
  EXPECT_NEAR(traced(trace.rounds[0], c.field("position"), east, 0), 100 - 0.5 * 0.4 * 100, 1e-9);
  // And a strike that ends the talks names the principal, with the cause
  // of a principal's use of force.
  LoadOptions ending = options;
  ending.overrides.push_back(parse_override("agents.west.strike.breakdown=1"));
  const Scenario e = load_scenario(test::kDataDir + "/good/talks.yaml", ending);
  const Negotiation en(e);
  const RunResult r = en.run(e.seed, 0, 0);
  EXPECT_EQ(r.outcome, Outcome::breakdown);
  EXPECT_EQ(r.cause, en.catalog().cause("force"));
  EXPECT_EQ(r.agent, west);
  EXPECT_EQ(r.round, 1);
}

}  // namespace
}  // namespace negsim::model
