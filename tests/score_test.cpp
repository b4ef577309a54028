// Scoring against what happened (docs/SCORING.md): the scoring rules on a
// tally whose every number is known, the Monte Carlo error against the
// spread of independent seeds, the event incidence against the traces, the
// observed file's located errors, and the command line.
#include "negsim/score.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "negsim/engine.hpp"
#include "negsim/scenario_yaml.hpp"
#include "test_util.hpp"

namespace negsim {
namespace {

namespace fs = std::filesystem;
using model::Outcome;

const std::string kTalks = test::kDataDir + "/good/talks.yaml";

/// The minimal scenario with a two-round horizon.
Scenario two_rounds() {
  return load_scenario_text(std::string(test::kMinimal) + "rounds: {horizon: 2}\n", "min.yaml");
}

ObservedCourse course_of(const std::string& yaml, const model::Negotiation& n) {
  ObservedCourse c = load_observed_text(yaml, "obs.yaml");
  resolve(c, n);
  return c;
}

void put(Tally& t, Outcome o, int round, std::uint64_t runs) {
  t.runs += runs;
  t.outcomes[static_cast<std::size_t>(o)] += runs;
  t.by_round[static_cast<std::size_t>(round)][static_cast<std::size_t>(o)] += runs;
}

TEST(Score, TheScoringRulesOnATallyWhoseNumbersAreKnown) {
  // Ten runs over two rounds: full deals 2 (round 1), interim 1 (round 2),
  // breakdowns 3 (round 1) and 2 (round 2), no agreement 2. Observed: a
  // breakdown in round 2.
  const Scenario s = two_rounds();
  const model::Negotiation n(s);
  Tally t(s);
  put(t, Outcome::full_deal, 1, 2);
  put(t, Outcome::interim_deal, 2, 1);
  put(t, Outcome::breakdown, 1, 3);
  put(t, Outcome::breakdown, 2, 2);
  put(t, Outcome::no_agreement, 2, 2);
  const ObservedCourse c =
      course_of("negsim: 1\nname: x\noutcome: {class: breakdown, round: 2}\n", n);
  const Score sc = score(c, n, t);
  EXPECT_DOUBLE_EQ(sc.p_outcome.estimate, 0.5);
  EXPECT_DOUBLE_EQ(sc.p_outcome_by_round.estimate, 0.5);
  // Brier: 0.2^2 + 0.1^2 + 0.5^2 + 0.2^2.
  EXPECT_NEAR(sc.negsim.brier.value, 0.34, 1e-12);
  EXPECT_NEAR(sc.negsim.log.value, std::log(2.0), 1e-12);
  // RPS: round 1, F = (0.2, 0, 0.3, 0) against O = 0: 0.13; round 2,
  // F = (0.2, 0.1, 0.5, 0.2) against O = (0, 0, 1, 0): 0.34; mean 0.235.
  EXPECT_NEAR(sc.negsim.rps.value, 0.235, 1e-12);
  // The uniform forecast: Brier 3/16 + 9/16; log ln 4; its timing spread
  // evenly, no agreement at the horizon: round 1 3 x 0.125^2, round 2
  // 3 x 0.25^2 + 0.75^2, mean 0.3984375.
  ASSERT_EQ(sc.references.size(), 1u);
  EXPECT_EQ(sc.references[0].name, "uniform");
  EXPECT_NEAR(sc.references[0].brier.value, 0.75, 1e-12);
  EXPECT_NEAR(sc.references[0].log.value, std::log(4.0), 1e-12);
  EXPECT_NEAR(sc.references[0].rps.value, 0.3984375, 1e-12);
  EXPECT_NEAR(sc.skill[0].brier.value, 1 - 0.34 / 0.75, 1e-12);
  EXPECT_NEAR(sc.skill[0].rps.value, 1 - 0.235 / 0.3984375, 1e-12);
  // By round 1 only three of the five breakdowns had happened.
  const Score early =
      score(course_of("negsim: 1\nname: x\noutcome: {class: breakdown, round: 1}\n", n), n, t);
  EXPECT_DOUBLE_EQ(early.p_outcome_by_round.estimate, 0.3);
  // The observed round moves the timing score, not the class scores.
  EXPECT_EQ(early.negsim.brier.value, sc.negsim.brier.value);
  EXPECT_NE(early.negsim.rps.value, sc.negsim.rps.value);
}

TEST(Score, AReferenceSharesWhatItLeavesEvenlyAndAnUnseenClassIsClipped) {
  const Scenario s = two_rounds();
  const model::Negotiation n(s);
  Tally t(s);
  put(t, Outcome::full_deal, 1, 4);
  const ObservedCourse c = course_of(R"(negsim: 1
name: x
outcome: {class: no_agreement}
references:
  - {name: market, date: 2025-01-31, probabilities: {full_deal: 0.4, breakdown: 0.2}}
)",
                                     n);
  EXPECT_EQ(c.outcome.round.value, 2) << "no agreement is at the horizon";
  const Score sc = score(c, n, t);
  ASSERT_EQ(sc.references.size(), 2u);
  const auto& market = sc.references[1];
  EXPECT_NEAR(market.p[1], 0.2, 1e-12);  // interim: (1 - 0.6) / 2
  EXPECT_NEAR(market.p[3], 0.2, 1e-12);
  EXPECT_NEAR(market.log.value, -std::log(0.2), 1e-12);
  // negsim gave no agreement no run of four: half a run, flagged.
  EXPECT_TRUE(sc.negsim.clipped);
  EXPECT_NEAR(sc.negsim.log.value, -std::log(0.5 / 4), 1e-12);
}

TEST(Score, TheMonteCarloErrorMatchesTheSpreadOfIndependentSeeds) {
  // The delta-method standard error of each score, against the standard
  // deviation of the score over 30 seeds of 2,000 runs.
  const Scenario s = load_scenario(kTalks);
  const model::Negotiation n(s);
  const ObservedCourse c =
      course_of("negsim: 1\nname: x\noutcome: {class: full_deal, round: 6}\n", n);
  std::vector<Score> scores;
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    EngineOptions o;
    o.seed = seed;
    o.runs = 2000;
    scores.push_back(score(c, n, simulate(n, o).tally));
  }
  auto check = [&](auto pick, const char* what) {
    double sum = 0, sq = 0, se = 0;
    for (const Score& sc : scores) {
      const ScoreValue v = pick(sc);
      sum += v.value;
      sq += v.value * v.value;
      se += v.se;
    }
    const double m = sum / 30, sd = std::sqrt((sq - 30 * m * m) / 29);
    EXPECT_GT(se / 30, 0.6 * sd) << what;
    EXPECT_LT(se / 30, 1.6 * sd) << what;
  };
  check([](const Score& x) { return x.negsim.brier; }, "Brier");
  check([](const Score& x) { return x.negsim.log; }, "log");
  check([](const Score& x) { return x.negsim.rps; }, "RPS");
}

TEST(Score, TheEventIncidenceCountsEachEventsFirstRoundAsTheTracesShowIt) {
  // The talks' spoiler strikes at some rate; every run's first strike (by
  // hawk) read from its trace, counted by round, must match the score's
  // incidence by each round.
  LoadOptions options;
  options.overrides = {parse_override("agents.hawk.strike.breakdown=0"),
                       parse_override("agents.hawk.strike.base=0.05")};
  const Scenario s = load_scenario(kTalks, options);
  const model::Negotiation n(s);
  const std::uint64_t runs = 400;
  EngineOptions o;
  o.seed = s.seed;
  o.runs = runs;
  const Tally t = simulate(n, o).tally;
  std::vector<std::uint64_t> first(static_cast<std::size_t>(s.rounds.horizon) + 1, 0);
  const auto strike = n.catalog().event("strike");
  for (std::uint64_t i = 0; i < runs; ++i) {
    model::Trace trace;
    n.run(s.seed, 0, i, &trace);
    bool seen = false;
    for (const auto& round : trace.rounds) {
      for (const auto& e : round.entries) {
        if (!seen && e.is_event && e.id == strike) {
          ++first[static_cast<std::size_t>(round.round)];
          seen = true;
        }
      }
    }
  }
  std::uint64_t by = 0, strikes = 0;
  for (std::size_t r = 1; r < first.size(); ++r) {
    by += first[r];
    const ObservedCourse c = course_of(
        "negsim: 1\nname: x\noutcome: {class: no_agreement}\n"
        "events:\n  - {event: strike, agent: hawk, round: " +
            std::to_string(r) + "}\n  - {event: strike, round: " + std::to_string(r) + "}\n",
        n);
    const Score sc = score(c, n, t);
    EXPECT_DOUBLE_EQ(sc.events[0].by_round.estimate, static_cast<double>(by) / runs) << r;
    EXPECT_DOUBLE_EQ(sc.events[1].by_round.estimate, static_cast<double>(by) / runs) << r;
    strikes = by;
  }
  EXPECT_GT(strikes, runs / 4) << "the test needs strikes to count";
}

/// Every problem of an observed file as "line:col: path: message".
std::vector<std::string> problems(const std::string& yaml, const model::Negotiation* n = nullptr) {
  try {
    ObservedCourse c = load_observed_text(yaml, "obs.yaml");
    if (n) resolve(c, *n);
  } catch (const ScenarioError& e) {
    std::vector<std::string> out;
    for (const auto& d : e.diagnostics()) {
      out.push_back(std::to_string(d.loc.line) + ":" + std::to_string(d.loc.column) + ": " +
                    d.path + ": " + d.message);
    }
    return out;
  }
  return {};
}

TEST(ObservedFile, ProblemsOfFormAreLocated) {
  EXPECT_EQ(problems(""),
            std::vector<std::string>{
                "1:1: : file is empty (expected an observed course: negsim, name, outcome)"});
  EXPECT_EQ(problems("negsim: 1\nname: x\noutcome: {class: breakdwon, round: 3}\n"),
            std::vector<std::string>{"3:18: outcome.class: unknown outcome class (got "
                                     "\"breakdwon\", did you mean \"breakdown\"?)"});
  EXPECT_EQ(problems("negsim: 1\nname: x\noutcome: {class: full_deal}\n"),
            std::vector<std::string>{
                "3:10: outcome.round: missing (expected the round the full_deal happened)"});
  EXPECT_EQ(problems("negsim: 1\nname: x\nstart: 2025-02-30\noutcome: {class: no_agreement}\n"),
            std::vector<std::string>{"3:8: start: not a date (got \"2025-02-30\", expected "
                                     "YYYY-MM-DD)"});
  const auto sum = problems(R"(negsim: 1
name: x
outcome: {class: no_agreement}
references:
  - {name: a, probabilities: {full_deal: 0.7, breakdown: 0.5}}
  - {name: uniform, probabilities: {full_deal: 0.5}}
  - {name: b, source: pols, probabilities: {full_deal: 0.5}}
)");
  ASSERT_EQ(sum.size(), 3u);
  EXPECT_EQ(sum[0],
            "5:30: references.0.probabilities: the probabilities sum to more than 1 (got 1.2)");
  EXPECT_EQ(sum[1], "6:12: references.1.name: \"uniform\" is always scored: give another name");
  EXPECT_EQ(sum[2],
            "7:23: references.2.source: unknown source (got \"pols\", and `sources` "
            "gives no id)");
  EXPECT_EQ(problems("negsim: 1\nname: x\noutcome: {class: no_agreement}\nevent: []\n"),
            std::vector<std::string>{"4:1: event: unknown key (did you mean \"events\"?)"});
}

TEST(ObservedFile, ProblemsAgainstTheScenarioAreLocated) {
  const Scenario s = load_scenario(kTalks);
  const model::Negotiation n(s);
  const auto p = problems(R"(negsim: 1
name: x
outcome: {class: interim_deal, round: 31, cause: strike, agent: haawk}
events:
  - {event: strkie, round: 3}
  - {event: snapback, agent: guard, round: 40}
)",
                          &n);
  ASSERT_EQ(p.size(), 5u);
  EXPECT_EQ(p[0],
            "3:39: outcome.round: after the horizon (got 31, expected 1 to 30, the scenario's "
            "rounds.horizon)");
  EXPECT_EQ(p[1],
            "3:50: outcome.cause: only a breakdown has a cause (the outcome class is "
            "interim_deal)");
  EXPECT_EQ(p[2],
            "3:65: outcome.agent: unknown agent of \"behavioural test talks\" (got "
            "\"haawk\", did you mean \"hawk\"?)");
  EXPECT_EQ(p[3],
            "5:13: events.0.event: unknown event in the model of \"behavioural test "
            "talks\" (got \"strkie\", did you mean \"strike\"?)");
  EXPECT_EQ(p[4],
            "6:44: events.1.round: after the horizon (got 40, expected 1 to 30, the scenario's "
            "rounds.horizon)");
  EXPECT_TRUE(problems("negsim: 1\nname: x\noutcome: {class: breakdown, round: 5, cause: "
                       "strike, agent: hawk}\n",
                       &n)
                  .empty());
}

fs::path fresh(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("negsim-score-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(ScoreCommand, ScoresWritesAndRefusesBadInputWithoutRunning) {
  const fs::path dir = fresh("cli");
  const std::string obs = (dir / "obs.yaml").string();
  std::ofstream(obs) << "negsim: 1\nname: x\noutcome: {class: breakdown, round: 4}\n";
  const auto ok = test::run_cli(
      {"score", kTalks, "--observed", obs, "--runs", "500", "--format", "json", "--quiet"});
  ASSERT_EQ(ok.code, 0) << ok.err;
  const auto j = nlohmann::json::parse(ok.out);
  EXPECT_EQ(j["observed"]["outcome"], "breakdown");
  EXPECT_EQ(j["runs"], 500);
  EXPECT_EQ(j["forecasts"][1]["name"], "uniform");
  EXPECT_FALSE(fs::exists(dir / "summary.json")) << "score writes only with --out";

  EXPECT_EQ(test::run_cli({"score", kTalks}).code, 2) << "--observed is required";

  // A bad observed file: exit 1, every problem named, nothing written.
  const std::string bad = (dir / "bad.yaml").string();
  std::ofstream(bad) << "negsim: 1\nname: x\noutcome: {class: breakdown, round: 99}\n";
  const fs::path out = dir / "out";
  const auto refused =
      test::run_cli({"run", kTalks, "--observed", bad, "--runs", "200", "--out", out.string()});
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(refused.err.find(bad + ":3:36: outcome.round: after the horizon (got 99"),
            std::string::npos)
      << refused.err;
  EXPECT_FALSE(fs::exists(out / "summary.json"));
  const auto missing = test::run_cli({"score", kTalks, "--observed", (dir / "none.yaml").string()});
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("none.yaml"), std::string::npos) << missing.err;

  // run --observed puts the scores in summary.json and report.md.
  const auto run = test::run_cli(
      {"run", kTalks, "--observed", obs, "--runs", "200", "--out", out.string(), "--quiet"});
  ASSERT_EQ(run.code, 0) << run.err;
  std::ifstream in(out / "summary.json");
  const auto summary = nlohmann::json::parse(in);
  EXPECT_EQ(summary["score"]["observed"]["round"], 4);
  std::ifstream md(out / "report.md");
  std::stringstream text;
  text << md.rdbuf();
  EXPECT_NE(text.str().find("## Against what happened"), std::string::npos);
}

}  // namespace
}  // namespace negsim
