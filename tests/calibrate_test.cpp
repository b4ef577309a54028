// Calibration by history matching (docs/CALIBRATION.md): targets files, the
// measures and their Monte Carlo errors, recovery of a parameter known in
// closed form, conflicting targets, purity, and the calibrated variant.
#include "negsim/calibrate.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "negsim/cli.hpp"
#include "negsim/scenario_yaml.hpp"
#include "test_util.hpp"

namespace negsim {
namespace {

namespace fs = std::filesystem;

const std::string kHazard = test::kDataDir + "/good/hazard-only.yaml";

/// A fresh directory under the system's temporary directory.
fs::path scratch(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / ("negsim-calibrate-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

CalibrateOptions options_for(const std::string& file, const fs::path& dir, int threads = 0) {
  CalibrateOptions o;
  o.scenario_file = file;
  o.source = read_scenario_source(file);
  o.seed = load_scenario(o.source).seed;
  o.threads = threads;
  o.out_dir = dir.string();
  return o;
}

// P(breakdown) = 1 - (1 - h)^20 on the hazard-only scenario, so a target
// P = 0.5 +- 0.05 is met exactly by h in [1 - 0.55^(1/20), 1 - 0.45^(1/20)].
// The kept points must cover that interval, and reach beyond it only as far
// as the Monte Carlo allowance of the cut (3 standard errors) lets them.
constexpr const char* kHazardTargets = R"(negsim: 1
waves: 3
points: 32
runs: 2000
seed: 5
parameters:
  agents.s.strike.base: {range: [0.001, 0.2]}
targets:
  half:
    outcome: breakdown
    value: 0.5
    tolerance: 0.05
)";

TEST(Calibrate, RecoversTheAnalyticIntervalOfAHazard) {
  const CalibrationSpec spec = load_targets_text(kHazardTargets, "hazard-targets.yaml");
  const fs::path dir = scratch("analytic");
  const Calibration c = calibrate(spec, options_for(kHazard, dir));
  ASSERT_GT(c.kept, 10u);
  const double T = 20;
  auto h_of = [&](double p) { return 1 - std::pow(1 - p, 1 / T); };
  const double lo = h_of(0.45), hi = h_of(0.55);  // 0.0295, 0.0391
  // The Monte Carlo allowance at the kept points: se = sqrt(p(1-p)/n) ~ 0.011;
  // 4 of them bound what a cut of 3 can keep.
  const double se = std::sqrt(0.25 / 2000.0);
  const double outer_lo = h_of(0.45 - 4 * se), outer_hi = h_of(0.55 + 4 * se);
  EXPECT_LE(c.ranges[0].first, lo + 0.001);
  EXPECT_GE(c.ranges[0].first, outer_lo);
  EXPECT_GE(c.ranges[0].second, hi - 0.001);
  EXPECT_LE(c.ranges[0].second, outer_hi);
  // The median of the kept points lies inside the analytic interval.
  EXPECT_GT(c.medians[0], lo);
  EXPECT_LT(c.medians[0], hi);
  // Later waves sample the region, not the whole prior: most of their points are kept.
  ASSERT_EQ(c.waves.size(), 3u);
  EXPECT_LT(c.waves[0].kept, c.waves[0].points / 4);
  EXPECT_GT(c.waves[2].kept, c.waves[2].points / 2);
  EXPECT_LT(c.waves[2].box[0].second - c.waves[2].box[0].first, 0.1);
  fs::remove_all(dir);
}

TEST(Calibrate, ConflictingTargetsAreNamedAsAPair) {
  // Each can be met alone (h near 0.077 gives 80% breakdowns; h near 0.011
  // gives 80% with no agreement), never both: the two sum to at most 1.
  const std::string text = R"(negsim: 1
waves: 2
points: 40
runs: 1000
parameters:
  agents.s.strike.base: {range: [0.001, 0.2]}
targets:
  broken: {outcome: breakdown, value: 0.8, tolerance: 0.05}
  stalled: {outcome: no_agreement, value: 0.8, tolerance: 0.05}
)";
  const CalibrationSpec spec = load_targets_text(text, "conflict.yaml");
  const fs::path dir = scratch("conflict");
  const Calibration c = calibrate(spec, options_for(kHazard, dir));
  EXPECT_EQ(c.kept, 0u);
  EXPECT_EQ(c.waves.size(), 1u);  // nothing to refine
  EXPECT_LE(c.conflict[0][0], spec.cut);
  EXPECT_LE(c.conflict[1][1], spec.cut);
  EXPECT_GT(c.conflict[0][1], spec.cut);
  const std::string md = calibration_markdown(c);
  EXPECT_NE(md.find("Conflict: broken and stalled can each be met, but not together."),
            std::string::npos)
      << md;
  const auto json = nlohmann::json::parse(calibration_json(c));
  EXPECT_TRUE(json["pairs"][0]["conflict"].get<bool>());

  // The command says so and exits 4; nothing is run or written as calibrated.
  const fs::path targets = dir / "conflict.yaml";
  std::ofstream(targets) << text;
  const auto r = test::run_cli({"calibrate", kHazard, "--targets", targets.string(), "--out",
                                (dir / "cli").string(), "--quiet"});
  EXPECT_EQ(r.code, cli::kNoPointSurvives) << r.err;
  EXPECT_TRUE(fs::exists(dir / "cli" / "calibration.md"));
  EXPECT_FALSE(fs::exists(dir / "cli" / "calibrated.yaml"));
  fs::remove_all(dir);
}

// A small calibration for the tests of what it does, not how well.
constexpr const char* kQuickTargets = R"(negsim: 1
waves: 2
points: 12
runs: 500
seed: 5
parameters:
  agents.s.strike.base: {range: [0.001, 0.2]}
targets:
  half:
    outcome: breakdown
    value: 0.5
    tolerance: 0.05
)";

TEST(Calibrate, IsAPureFunctionOfItsInputsAndSeed) {
  const CalibrationSpec spec = load_targets_text(kQuickTargets, "quick-targets.yaml");
  const fs::path a = scratch("pure-a"), b = scratch("pure-b");
  const Calibration one = calibrate(spec, options_for(kHazard, a, 1));
  const Calibration two = calibrate(spec, options_for(kHazard, b, 2));
  EXPECT_EQ(calibration_points_csv(one, false), calibration_points_csv(two, false));
  // Again in the same directory: every point is read back, none is run.
  const Calibration again = calibrate(spec, options_for(kHazard, a, 2));
  EXPECT_EQ(calibration_points_csv(one, false), calibration_points_csv(again, false));
  for (const auto& w : again.waves) EXPECT_EQ(w.resumed, w.points);
  // Another design seed samples other points.
  CalibrationSpec other = spec;
  other.seed = 6;
  other.text += "# seed 6\n";
  const fs::path c = scratch("pure-c");
  const Calibration three = calibrate(other, options_for(kHazard, c, 2));
  EXPECT_NE(calibration_points_csv(one, false), calibration_points_csv(three, false));
  for (const auto& dir : {a, b, c}) fs::remove_all(dir);
}

TEST(Calibrate, TheCalibratedVariantValidatesAndSpansTheKeptRange) {
  const fs::path dir = scratch("variant");
  const fs::path targets = dir / "targets.yaml";
  std::ofstream(targets) << kQuickTargets;
  const auto r = test::run_cli({"calibrate", kHazard, "--targets", targets.string(), "--out",
                                (dir / "out").string(), "--check-runs", "4000", "--quiet"});
  ASSERT_EQ(r.code, cli::kOk) << r.err;
  const Scenario calibrated = load_scenario((dir / "out" / "calibrated.yaml").string());
  const auto resolved = nlohmann::json::parse(to_json(calibrated));
  const auto strike = resolved["agents"]["s"]["strike"]["base"];
  ASSERT_TRUE(strike.contains("uniform")) << strike.dump();
  const auto ranges = nlohmann::json::parse(
      std::ifstream(dir / "out" / "calibration.json"))["parameters"]["agents.s.strike.base"];
  EXPECT_DOUBLE_EQ(strike["uniform"][0].get<double>(), ranges["kept"][0].get<double>());
  EXPECT_DOUBLE_EQ(strike["uniform"][1].get<double>(), ranges["kept"][1].get<double>());
  // The rest of the scenario is the base's.
  EXPECT_EQ(calibrated.rounds.horizon, 20);
  // Its run reproduces the target, within tolerance and Monte Carlo error.
  const auto summary = nlohmann::json::parse(std::ifstream(dir / "out" / "summary.json"));
  EXPECT_NEAR(summary["outcomes"]["breakdown"]["p"].get<double>(), 0.5, 0.05 + 0.05);
  EXPECT_EQ(summary["provenance"]["runs"].get<int>(), 4000);
  for (const char* f : {"points.csv", "non-implausible.csv", "ranges.csv", "targets.csv",
                        "calibration.sqlite", "report.md"}) {
    EXPECT_TRUE(fs::exists(dir / "out" / f)) << f;
  }
  // The HTML report of the directory has a calibration section with the kept ranges.
  const auto html = test::run_cli({"report", (dir / "out").string(), "--html", "--quiet"});
  ASSERT_EQ(html.code, cli::kOk) << html.err;
  std::ifstream in(dir / "out" / "report.html");
  const std::string page((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(page.find("<h2>Calibration</h2>"), std::string::npos);
  EXPECT_NE(page.find("<table id=\"calibration-ranges\">"), std::string::npos);
  EXPECT_NE(page.find("agents.s.strike.base"), std::string::npos);
  fs::remove_all(dir);
}

TEST(Calibrate, MeasuresCarryTheirMonteCarloErrors) {
  const Scenario s = load_scenario(kHazard);
  const model::Negotiation negotiation(s);
  EngineOptions eo;
  eo.runs = 5000;
  eo.seed = 3;
  const Tally t = simulate(negotiation, eo).tally;
  Target by5;
  by5.kind = TargetKind::outcome;
  by5.what = "breakdown";
  by5.by = 5;
  const Measure m = measure(by5, negotiation, t);
  EXPECT_NEAR(m.estimate, 1 - std::pow(0.97, 5), 0.015);  // h = 0.03
  EXPECT_NEAR(m.se, std::sqrt(m.estimate * (1 - m.estimate) / 5000), 0.001);
  Target all = by5;
  all.by = 0;
  EXPECT_NEAR(measure(all, negotiation, t).estimate, 1 - std::pow(0.97, 20), 0.015);
  Target strike;
  strike.kind = TargetKind::event;
  strike.what = "strike";
  strike.agent = "s";
  strike.by = 5;
  // Every strike ends the talks, so the first strike by round 5 is the breakdown by round 5.
  EXPECT_DOUBLE_EQ(measure(strike, negotiation, t).estimate, m.estimate);
  Target term;
  term.kind = TargetKind::term;
  term.what = "x";
  const Measure none = measure(term, negotiation, t);  // no deal is possible
  EXPECT_TRUE(std::isnan(none.estimate));
  EXPECT_TRUE(std::isinf(implausibility(term, none)));
  // The implausibility: no penalty within the tolerance, then in units of the error.
  Target goal = all;
  goal.value = 0.5;
  goal.tolerance = 0.1;
  EXPECT_EQ(implausibility(goal, Measure{0.55, 0.01, 100}), 0);
  EXPECT_NEAR(implausibility(goal, Measure{0.65, 0.01, 100}), 5, 1e-9);
  goal.sd = 0.02;
  EXPECT_NEAR(implausibility(goal, Measure{0.65, 0.01, 100}), 0.05 / std::sqrt(0.0005), 1e-9);
}

TEST(Calibrate, ATargetsFileGetsLocatedMessages) {
  const auto problems = test::problems_of([] {
    load_targets_text(R"(negsim: 1
waves: 0
parameters:
  agents.s.strike.base: {range: [0.2, 0.1]}
targets:
  a: {outcome: full_deel, value: 0.3}
  b: {cause: strike, value: 1.5}
  c: {outcome: breakdown, interval: [0.4, 0.2]}
  d: {outcome: breakdown}
  e: {term: x, value: 1, by: 3}
  f: {outcome: breakdown, event: strike, value: 0.1}
  g: {outcome: breakdown, value: 0.1, colour: red}
)",
                      "t.yaml");
  });
  const std::vector<std::string> want{
      "waves: out of range (got 0, expected a whole number in [1, 100])",
      "parameters.agents.s.strike.base.range: lo >= hi (got [0.2, 0.1], expected lo < hi)",
      "targets.a.outcome: unknown outcome (got \"full_deel\", did you mean \"full_deal\"?)",
      "targets.b.value: out of range (got 1.5, expected a number in [0, 1])",
      "targets.c.interval: a > b (got [0.4, 0.2], expected a <= b)",
      "targets.d: missing the target (expected value: X [tolerance: T], or interval: [a, b])",
      "targets.e.by: only an outcome or an event is measured by a round",
      "targets.f: more than one quantity (expected one of outcome, cause, event or term)",
  };
  for (const auto& w : want) {
    EXPECT_NE(std::find(problems.begin(), problems.end(), w), problems.end())
        << "missing: " << w << "\ngot:\n"
        << testing::PrintToString(problems);
  }
  EXPECT_TRUE(std::any_of(problems.begin(), problems.end(), [](const std::string& p) {
    return p.rfind("targets.g.colour: unknown key", 0) == 0;
  })) << testing::PrintToString(problems);

  // Names the model does not know, checked against the scenario.
  const CalibrationSpec spec = load_targets_text(R"(negsim: 1
parameters:
  agents.s.strike.base: {range: [0.001, 0.2]}
targets:
  a: {cause: strik, value: 0.3}
  b: {event: strike, agent: nobody, value: 0.3}
  c: {outcome: breakdown, by: 30, value: 0.3}
)",
                                                 "t.yaml");
  const Scenario s = load_scenario(kHazard);
  const auto names = test::problems_of([&] { resolve(spec, model::Negotiation(s)); });
  ASSERT_EQ(names.size(), 3u) << testing::PrintToString(names);
  EXPECT_EQ(names[0].rfind("targets.a.cause: unknown cause in the model of \"hazard only\" (got "
                           "\"strik\", did you mean \"strike\"?)",
                           0),
            0u)
      << names[0];
  EXPECT_EQ(names[1].rfind("targets.b.agent: unknown agent", 0), 0u) << names[1];
  EXPECT_EQ(names[2],
            "targets.c.by: after the horizon (got 30, expected 1 to 20, the scenario's "
            "rounds.horizon)");
}

}  // namespace
}  // namespace negsim

namespace negsim {
namespace {

TEST(CalibrateCli, BadCommandLinesAndFilesAreNamed) {
  const auto no_targets = test::run_cli({"calibrate", kHazard});
  EXPECT_EQ(no_targets.code, cli::kUsage);
  EXPECT_NE(no_targets.err.find("missing --targets TARGETS.yaml"), std::string::npos)
      << no_targets.err;
  const fs::path dir = scratch("cli");
  const fs::path bad = dir / "bad.yaml";
  std::ofstream(bad) << "negsim: 1\nparameters:\n  agents.s.strike.base: {range: [0, 1]}\n"
                        "targets:\n  a: {cause: strik, value: 0.3}\n";
  const auto r = test::run_cli(
      {"calibrate", kHazard, "--targets", bad.string(), "--out", (dir / "out").string()});
  EXPECT_EQ(r.code, cli::kInvalidInput);
  EXPECT_NE(r.err.find(bad.string() + ":5:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("did you mean \"strike\"?"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "out" / "wave-1"));  // nothing was run
  const auto missing = test::run_cli(
      {"calibrate", kHazard, "--targets", (dir / "absent.yaml").string(), "--out", dir.string()});
  EXPECT_EQ(missing.code, cli::kInvalidInput);
  EXPECT_NE(missing.err.find("absent.yaml"), std::string::npos) << missing.err;
  // --threads and --out are checked as negsim run checks them.
  const fs::path good = dir / "good.yaml";
  std::ofstream(good) << "negsim: 1\nparameters:\n  agents.s.strike.base: {range: [0, 1]}\n"
                         "targets:\n  a: {cause: strike, value: 0.3}\n";
  const auto threads = test::run_cli({"calibrate", kHazard, "--targets", good.string(), "--out",
                                      (dir / "t").string(), "--threads", "0"});
  EXPECT_EQ(threads.code, cli::kUsage);
  EXPECT_NE(threads.err.find("--threads: between 1 and 1024 (got 0)"), std::string::npos)
      << threads.err;
  std::ofstream(dir / "occupied") << "a file\n";
  const auto occupied = test::run_cli({"calibrate", kHazard, "--targets", good.string(), "--out",
                                       (dir / "occupied" / "sub").string()});
  EXPECT_EQ(occupied.code, cli::kInvalidInput);
  EXPECT_NE(occupied.err.find("negsim calibrate: output directory"), std::string::npos)
      << occupied.err;
  EXPECT_NE(occupied.err.find("is not writable"), std::string::npos) << occupied.err;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace negsim
