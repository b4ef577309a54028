// Issues of levels: yes/no and ordered categories (docs/MODEL.md §1.1,
// docs/SCENARIO.md "issues"). Values are the levels' indices; texts take a
// level, the nearest inside the principals' red-line box.
#include <gtest/gtest.h>

#include <cmath>

#include "negsim/mechanism.hpp"
#include "negsim/scenario_yaml.hpp"
#include "test_util.hpp"

namespace negsim::model {
namespace {

const char* kMixed = R"(negsim: 1
name: mixed issues
seed: 11
rounds: {unit: week, horizon: 20}
issues:
  relief: {unit: "% lifted", range: [0, 100]}
  withdrawal: {levels: [no, yes], status_quo: no}
  referral: {levels: [none, board, council], status_quo: none, unit: step}
agents:
  west:
    role: principal
    ideal: {relief: 0, withdrawal: no, referral: council}
    salience: {relief: 0.4, withdrawal: 0.3, referral: 0.3}
  east:
    role: principal
    ideal: {relief: 100, withdrawal: yes, referral: 0}
    salience: {relief: 0.6, withdrawal: 0.2, referral: 0.2}
  broker: {role: mediator, skill: 0.5}
)";

std::vector<std::string> problems(const std::string& text) {
  return test::problems_of([&] { load_scenario_text(text, "mixed.yaml"); });
}

std::string with(std::string text, const std::string& from, const std::string& to) {
  text.replace(text.find(from), from.size(), to);
  return text;
}

TEST(Levels, LevelNamesReadAsTheirIndices) {
  const Scenario s = load_scenario_text(kMixed, "mixed.yaml");
  const Issue& withdrawal = s.issues[1];
  EXPECT_EQ(withdrawal.levels, (std::vector<std::string>{"no", "yes"}));
  EXPECT_EQ(withdrawal.min, 0);
  EXPECT_EQ(withdrawal.max, 1);
  EXPECT_EQ(withdrawal.unit, "level");
  EXPECT_EQ(s.issues[2].max, 2);
  EXPECT_EQ(s.issues[2].unit, "step");
  EXPECT_EQ(*s.agents[0].ideal[2], Param(2));
  EXPECT_EQ(*s.agents[1].ideal[1], Param(1));
  const std::string yaml = to_yaml(s);
  // "no" and "yes" are quoted, so that no YAML reader takes them for booleans.
  EXPECT_NE(yaml.find("levels: [\"no\", \"yes\"]\n    status_quo: \"no\""), std::string::npos)
      << yaml;
  EXPECT_NE(yaml.find("levels: [none, board, council]\n    status_quo: none"), std::string::npos)
      << yaml;
  EXPECT_EQ(load_scenario_text(yaml, "resolved.yaml"), s);
}

TEST(Levels, MistakesAreNamedWhereTheyAreWritten) {
  EXPECT_EQ(problems(with(kMixed, "withdrawal: no,", "withdrawal: nope,")),
            std::vector<std::string>{"agents.west.ideal.withdrawal: unknown level (got \"nope\", "
                                     "expected a number in [0, 1] (level) or one of no or yes)"});
  EXPECT_EQ(problems(with(kMixed, "referral: council}", "referral: councl}")),
            std::vector<std::string>{"agents.west.ideal.referral: unknown level (got \"councl\", "
                                     "did you mean \"council\"?)"});
  EXPECT_EQ(
      problems(with(kMixed, "levels: [no, yes]", "levels: [no, no]")),
      std::vector<std::string>{"issues.withdrawal.levels.1: level listed twice (got \"no\")"});
  EXPECT_EQ(problems(with(kMixed, "levels: [no, yes]", "levels: [no]")),
            std::vector<std::string>{"issues.withdrawal.levels: wrong type (got a list, expected a "
                                     "list of at least two level names, in order)"});
  EXPECT_EQ(problems(with(kMixed, "status_quo: none,", "status_quo: none, range: [0, 2],")),
            std::vector<std::string>{"issues.referral.range: an issue of levels has no range (its "
                                     "values are the levels 0 to 2)"});
  EXPECT_EQ(problems(with(kMixed, "status_quo: none,", "status_quo: 0.5,")),
            std::vector<std::string>{"issues.referral.status_quo: not a whole number (got 0.5, "
                                     "expected a whole number in [0, 2] (step) or one of none, "
                                     "board or council)"});
}

/// Every text the mediator drafts on an issue of levels is one of them.
TEST(Levels, TextsTakeALevel) {
  const Scenario s = load_scenario_text(kMixed, "mixed.yaml");
  const Negotiation negotiation(s);
  const std::size_t full = negotiation.catalog().field("full_text");
  int rounds = 0;
  for (std::uint64_t run = 0; run < 30; ++run) {
    Trace trace;
    negotiation.run(s.seed, 0, run, &trace);
    for (const RoundTrace& r : trace.rounds) {
      for (int k : {1, 2}) {
        const double x = traced(r, full, -1, k);
        EXPECT_EQ(x, std::round(x)) << "run " << run << " round " << r.round;
      }
      ++rounds;
    }
  }
  EXPECT_GT(rounds, 30);
}

TEST(Levels, ARedLineOnALevelKeepsTheTextOnItsSide) {
  // East's red line: no withdrawal beyond "no"; every text then says no,
  // though east's own ideal (yes) pulls the drafted value up.
  const std::string text =
      with(with(kMixed, "ideal: {relief: 100, withdrawal: yes, referral: 0}",
                "ideal: {relief: 100, withdrawal: no, referral: 0}"),
           "salience: {relief: 0.4, withdrawal: 0.3, referral: 0.3}",
           "salience: {relief: 0.4, withdrawal: 0.3, referral: 0.3}\n    red_lines: {referral: "
           "{min: board}}");
  const Scenario s = load_scenario_text(text, "mixed.yaml");
  const Negotiation negotiation(s);
  const std::size_t full = negotiation.catalog().field("full_text");
  for (std::uint64_t run = 0; run < 30; ++run) {
    Trace trace;
    negotiation.run(s.seed, 0, run, &trace);
    for (const RoundTrace& r : trace.rounds) {
      EXPECT_EQ(traced(r, full, -1, 1), 0.0) << "both want no withdrawal";
      EXPECT_GE(traced(r, full, -1, 2), 1.0) << "west's red line: at least the board";
    }
  }
}

}  // namespace
}  // namespace negsim::model
