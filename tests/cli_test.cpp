#include "negsim/cli.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "negsim/detail/text.hpp"
#include "negsim/engine.hpp"
#include "negsim/model.hpp"
#include "negsim/report.hpp"
#include "negsim/scenario_yaml.hpp"
#include "test_util.hpp"

namespace negsim {
namespace {

using test::kDefaultScenario;
using test::run_cli;

TEST(Cli, HelpListsCommandsAndExitCodes) {
  const auto r = run_cli({"--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("validate FILE"), std::string::npos);
  EXPECT_NE(r.out.find("Exit codes"), std::string::npos);
}

TEST(Cli, ValidateHelpExplainsEveryOption) {
  const auto r = run_cli({"validate", "--help"});
  EXPECT_EQ(r.code, 0);
  for (const char* option : {"--set", "--format", "--quiet", "--help"}) {
    EXPECT_NE(r.out.find(option), std::string::npos) << option;
  }
}

TEST(Cli, TraceHelpExplainsEveryOption) {
  const auto r = run_cli({"trace", "--help"});
  EXPECT_EQ(r.code, 0);
  for (const char* option : {"--run", "--seed", "--set", "--format", "--help"}) {
    EXPECT_NE(r.out.find(option), std::string::npos) << option;
  }
}

TEST(Cli, VersionIsPrinted) {
  const auto r = run_cli({"--version"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out.rfind("negsim ", 0), 0u);
}

TEST(Cli, UsageErrorsExit2WithAHint) {
  for (const auto& args :
       std::vector<std::vector<std::string>>{{},
                                             {"valdate"},
                                             {"--bogus"},
                                             {"validate"},
                                             {"validate", "a.yaml", "b.yaml"},
                                             {"validate", "--format", "xml", kDefaultScenario},
                                             {"validate", "--set", "novalue", kDefaultScenario},
                                             {"validate", "--no-such-flag", kDefaultScenario}}) {
    const auto r = run_cli(args);
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_NE(r.err.find("--help"), std::string::npos) << r.err;
  }
  EXPECT_NE(run_cli({"valdate"}).err.find("did you mean \"validate\"?"), std::string::npos);
}

TEST(Cli, ValidatePrintsTheResolvedScenario) {
  const auto r = run_cli({"validate", kDefaultScenario});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(r.err.empty());
  // The printed scenario is complete: it loads back to the same scenario.
  EXPECT_EQ(load_scenario_text(r.out, "stdout"), load_scenario(kDefaultScenario));
}

TEST(Cli, ValidateAppliesOverrides) {
  const auto r = run_cli({"validate", kDefaultScenario, "--set", "agents.us.trust=0.9", "-s",
                          "rounds.horizon=30", "--format", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["agents"]["us"]["trust"], 0.9);
  EXPECT_EQ(j["rounds"]["horizon"], 30);
  EXPECT_EQ(j["negsim"], 1);
}

TEST(Cli, OverridesAreValidatedTogetherWithTheFile) {
  // Shortening the horizon puts the E3's snapback deadline beyond it.
  const auto r = run_cli({"validate", kDefaultScenario, "--set", "rounds.horizon=10"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("agents.e3.snapback.deadline: out of range (got choice on [16, 19], "
                       "expected values in [0, 9])"),
            std::string::npos)
      << r.err;
}

TEST(Cli, QuietPrintsNothingWhenValid) {
  const auto r = run_cli({"validate", "-q", kDefaultScenario});
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(r.out.empty());
  EXPECT_TRUE(r.err.empty());
}

TEST(Cli, InvalidOverrideExits1AndNamesTheOverride) {
  const auto r = run_cli({"validate", kDefaultScenario, "--set", "agents.us.trust=7"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("--set agents.us.trust=7: agents.us.trust: out of range (got 7"),
            std::string::npos)
      << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST(Cli, MissingFileAndDirectoryExit1) {
  auto r = run_cli({"validate", "no/such/file.yaml"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err,
            "no/such/file.yaml: file does not exist\nnegsim: 1 problem in no/such/file.yaml\n");
  r = run_cli({"validate", test::kDataDir});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("is a directory"), std::string::npos);
}

}  // namespace
}  // namespace negsim

namespace negsim {
namespace {

using test::kDefaultScenario;
using test::run_cli;

TEST(CliTrace, TellsTheRunRoundByRoundAndEndsWithTheOutcome) {
  const auto r = run_cli({"trace", kDefaultScenario});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("This run's draws"), std::string::npos);
  EXPECT_NE(r.out.find("Round 1 (week 1)"), std::string::npos);
  EXPECT_NE(r.out.find("full text:"), std::string::npos);
  EXPECT_NE(r.out.find("interim text:"), std::string::npos);
  EXPECT_NE(r.out.find("israel: strike hazard"), std::string::npos);
  EXPECT_NE(r.out.find("\nOutcome: "), std::string::npos);
}

TEST(CliTrace, JsonAgreesWithTheModel) {
  const auto r = run_cli({"trace", kDefaultScenario, "--run", "3", "--format", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  const Scenario s = load_scenario(kDefaultScenario);
  const model::RunResult expected = model::Negotiation(s).run(s.seed, 0, 3);
  EXPECT_EQ(j["seed"], s.seed);
  EXPECT_EQ(j["run"], 3);
  EXPECT_EQ(j["outcome"]["outcome"], model::to_string(expected.outcome));
  EXPECT_EQ(j["outcome"]["round"], expected.round);
  EXPECT_EQ(j["rounds"].size(), static_cast<std::size_t>(expected.round));
  EXPECT_EQ(j["rounds"][0]["full_text"].size(), s.issues.size());
  // Texts by issue name, principals' states by agent and field name.
  EXPECT_TRUE(j["rounds"][0]["full_text"].contains("enrichment"));
  EXPECT_TRUE(j["rounds"][0]["agents"]["us"]["aspiration"].is_number());
  EXPECT_TRUE(j["rounds"][0]["agents"]["iran"]["accepts_full"].is_boolean());
}

TEST(CliTrace, TextTraceJsonTraceAndRunsCsvShowTheSameDraws) {
  // One description of the drawn parameters serves the three views: every
  // runs.csv column is in the JSON trace's draws with the same value, and
  // in the text trace's line of its owner.
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "negsim-views";
  ASSERT_EQ(
      run_cli({"run", kDefaultScenario, "--runs", "5", "-q", "--runs-csv", "--out", dir.string()})
          .code,
      0);
  std::ifstream in(dir / "runs.csv");
  std::string header, row;
  std::getline(in, header);
  for (int i = 0; i <= 3; ++i) std::getline(in, row);  // run 3
  auto split = [](const std::string& line) {
    std::vector<std::string> out(1);
    for (char c : line) {
      if (c == ',') {
        out.emplace_back();
      } else {
        out.back().push_back(c);
      }
    }
    return out;
  };
  const auto names = split(header), values = split(row);
  ASSERT_EQ(names.size(), values.size());
  const auto json = nlohmann::json::parse(
      run_cli({"trace", kDefaultScenario, "--run", "3", "--format", "json"}).out);
  const std::string text = run_cli({"trace", kDefaultScenario, "--run", "3"}).out;
  const Scenario s = load_scenario(kDefaultScenario);
  int checked = 0;
  for (std::size_t c = 0; c < names.size(); ++c) {
    const std::string& name = names[c];
    const auto dot = name.find('.');
    if (dot == std::string::npos || name.rfind("terms.", 0) == 0) continue;
    const std::string owner = name.substr(0, dot), field = name.substr(dot + 1);
    const bool agent = s.agent_index(owner).has_value();
    const auto& drawn =
        agent ? json["draws"]["agents"][owner][field] : json["draws"]["talks"][name];
    ASSERT_TRUE(drawn.is_number()) << name << " is in runs.csv but not in the JSON trace";
    EXPECT_EQ(detail::format_number(drawn.get<double>()), values[c]) << name;
    const std::string shown =
        (agent ? field : name) + " " + detail::short_number(drawn.get<double>());
    EXPECT_NE(text.find(shown), std::string::npos) << shown << " is not in the text trace";
    ++checked;
  }
  EXPECT_GT(checked, 60);
  // And no draw of the JSON trace is missing from runs.csv.
  std::size_t in_json = json["draws"]["talks"].size();
  for (const auto& [a, fields] : json["draws"]["agents"].items()) in_json += fields.size() - 1;
  EXPECT_EQ(in_json, static_cast<std::size_t>(checked));
}

TEST(CliTrace, SeedAndRunSelectTheRun) {
  const auto a = run_cli({"trace", kDefaultScenario, "--seed", "5", "--run", "2"});
  const auto b = run_cli({"trace", kDefaultScenario, "--seed", "5", "--run", "2"});
  const auto c = run_cli({"trace", kDefaultScenario, "--seed", "6", "--run", "2"});
  EXPECT_EQ(a.out, b.out);
  EXPECT_NE(a.out, c.out);
}

TEST(CliTrace, BadNumbersAreUsageErrors) {
  for (const char* bad : {"-1", "abc", "1.5e0", "-1e3", "1e300", "18446744073709551616", ""}) {
    const auto r = run_cli({"trace", kDefaultScenario, "--seed", bad});
    EXPECT_EQ(r.code, 2) << bad;
    EXPECT_NE(r.err.find("--seed"), std::string::npos) << r.err;
    EXPECT_EQ(run_cli({"trace", kDefaultScenario, "--run", bad}).code, 2) << bad;
  }
}

TEST(CliRun, RunCountsInScientificNotation) {
  // --runs 1e4 is 10000 runs, the same as --runs 10000; a fraction is refused.
  const auto a = run_cli({"run", kDefaultScenario, "--runs", "2e3", "-q", "--out",
                          (std::filesystem::temp_directory_path() / "negsim-runs-2e3").string()});
  ASSERT_EQ(a.code, 0) << a.err;
  std::ifstream in(std::filesystem::temp_directory_path() / "negsim-runs-2e3" / "summary.json");
  const auto summary = nlohmann::json::parse(in);
  EXPECT_EQ(summary["provenance"]["runs"], 2000);
  const auto b = run_cli({"run", kDefaultScenario, "--runs", "2.5e-1", "-q"});
  EXPECT_EQ(b.code, 2);
  EXPECT_NE(b.err.find("--runs: not a whole number"), std::string::npos) << b.err;
}

TEST(CliTrace, InvalidScenarioExits1) {
  const auto r = run_cli({"trace", kDefaultScenario, "--set", "agents.us.trust=2"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("agents.us.trust: out of range"), std::string::npos);
  EXPECT_TRUE(r.out.empty());
}

}  // namespace
}  // namespace negsim

namespace negsim {
namespace {

namespace fs = std::filesystem;

/// A fresh directory under the build's temporary area.
fs::path scratch_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("negsim-test-" + name);
  fs::remove_all(dir);
  return dir;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const std::string kTalks = test::kDataDir + "/good/talks.yaml";

TEST(CliRun, WritesSummaryAndReportThatAgreeWithTheEngine) {
  const fs::path dir = scratch_dir("run");
  const auto r =
      test::run_cli({"run", kTalks, "--runs", "2000", "--out", dir.string(), "--threads", "2"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(slurp(dir / "summary.json"));
  const Scenario s = load_scenario(kTalks);
  EngineOptions options;
  options.seed = s.seed;
  options.runs = 2000;
  const Tally t = simulate(model::Negotiation(s), options).tally;
  for (std::size_t o = 0; o < kOutcomes; ++o) {
    const char* name = model::to_string(static_cast<model::Outcome>(o));
    EXPECT_EQ(j["outcomes"][name]["count"], t.outcomes[o]) << name;
    const Interval ci = wilson(t.outcomes[o], t.runs);
    EXPECT_EQ(j["outcomes"][name]["lo"].get<double>(), ci.lo);
  }
  EXPECT_EQ(j["provenance"]["seed"], s.seed);
  EXPECT_EQ(j["provenance"]["runs"], 2000);
  EXPECT_EQ(j["provenance"]["scenario_sha1"].get<std::string>().size(), 40u);
  EXPECT_EQ(j["cumulative_incidence"]["round"].size(), static_cast<std::size_t>(s.rounds.horizon));
  // The report opens with the headline table, and the terminal shows it too.
  const std::string report = slurp(dir / "report.md");
  const std::string table = headline_table(t);
  EXPECT_NE(report.find(table), std::string::npos);
  EXPECT_LT(report.find(table), report.find("## Why talks broke down"));
  EXPECT_NE(r.out.find(table), std::string::npos);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator{}), 2)
      << "no temporary files are left behind";
}

TEST(CliRun, SameNumbersForAnyThreadCount) {
  auto summary_without_timing = [](const fs::path& dir) {
    auto j = nlohmann::json::parse(slurp(dir / "summary.json"));
    j["provenance"].erase("wall_seconds");
    j["provenance"].erase("date");
    j["provenance"].erase("threads");
    j["provenance"].erase("peak_rss_mib");
    return j.dump();
  };
  const fs::path one = scratch_dir("t1"), eight = scratch_dir("t8");
  ASSERT_EQ(test::run_cli(
                {"run", kTalks, "--runs", "3000", "-q", "--threads", "1", "--out", one.string()})
                .code,
            0);
  ASSERT_EQ(test::run_cli({"run", kTalks, "--runs", "3000", "-q", "--threads", "8", "--block", "3",
                           "--out", eight.string()})
                .code,
            0);
  EXPECT_EQ(summary_without_timing(one), summary_without_timing(eight));
}

TEST(CliRun, RunsCsvHasOneRowPerRunInOrder) {
  const fs::path dir = scratch_dir("csv");
  ASSERT_EQ(
      test::run_cli({"run", kTalks, "--runs", "300", "-q", "--runs-csv", "--out", dir.string()})
          .code,
      0);
  std::ifstream in(dir / "runs.csv");
  std::string header, line;
  std::getline(in, header);
  const auto columns = std::count(header.begin(), header.end(), ',') + 1;
  EXPECT_EQ(header.rfind("run,outcome,cause,agent,round,phased,", 0), 0u);
  EXPECT_NE(header.find("west.trust"), std::string::npos);
  EXPECT_NE(header.find("terms.relief"), std::string::npos);
  int rows = 0;
  while (std::getline(in, line)) {
    EXPECT_EQ(line.rfind(std::to_string(rows) + ",", 0), 0u) << line;
    EXPECT_EQ(std::count(line.begin(), line.end(), ',') + 1, columns) << line;
    ++rows;
  }
  EXPECT_EQ(rows, 300);
}

TEST(CliRun, BadOptionsAreUsageErrors) {
  const std::string out = scratch_dir("bad").string();
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"run", kTalks, "--runs", "0", "--out", out},
           {"run", kTalks, "--runs", "-5", "--out", out},
           {"run", kTalks, "--threads", "0", "--out", out},
           {"run", kTalks, "--runs", "10", "--precision", "0.01", "--out", out},
           {"run", kTalks, "--precision", "0", "--out", out},
           {"run", kTalks, "--max-runs", "10", "--out", out},
           {"run", kTalks, "--seed", "abc", "--out", out},
           {"run", kTalks, "--block", "0", "--out", out}}) {
    const auto r = test::run_cli(args);
    EXPECT_EQ(r.code, 2) << args[2] << " " << args[3] << ": " << r.err;
  }
  EXPECT_FALSE(fs::exists(out)) << "nothing is written on a usage error";
}

TEST(CliRun, UnwritableOutputIsReportedBeforeRunning) {
  const fs::path dir = scratch_dir("blocked");
  fs::create_directories(dir);
  std::ofstream(dir / "file") << "x";
  const auto r =
      test::run_cli({"run", kTalks, "--runs", "100", "--out", (dir / "file" / "sub").string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("is not writable"), std::string::npos) << r.err;
}

TEST(CliRun, RunsTheDefaultScenarioWhenNoneIsNamed) {
  const fs::path dir = scratch_dir("default");
  const auto r = test::run_cli({"run", "--runs", "200", "-q", "--out", dir.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(slurp(dir / "summary.json"));
  EXPECT_EQ(j["provenance"]["scenario"], load_scenario(test::kDefaultScenario).name);
}

TEST(WriteAtomically, ReplacesWholeFilesAndLeavesNoTemporaries) {
  const fs::path dir = scratch_dir("atomic");
  fs::create_directories(dir);
  const std::string path = (dir / "summary.json").string();
  write_atomically(path, "first");
  write_atomically(path, "second");
  EXPECT_EQ(slurp(path), "second");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator{}), 1);
  // A failed write throws, names the file, and leaves the old content alone.
  EXPECT_THROW(write_atomically((dir / "missing" / "x.json").string(), "y"), std::runtime_error);
  fs::permissions(dir, fs::perms::owner_read | fs::perms::owner_exec);
  if (::geteuid() != 0) {  // root ignores permissions
    EXPECT_THROW(write_atomically(path, "third"), std::runtime_error);
    EXPECT_EQ(slurp(path), "second");
  }
  fs::permissions(dir, fs::perms::owner_all);
}

}  // namespace
}  // namespace negsim

namespace negsim {
namespace {

TEST(CliReport, SaysWhichPlotsWereSkippedAndWhy) {
  const auto dir = std::filesystem::temp_directory_path() / "negsim-report-skips";
  std::filesystem::remove_all(dir);
  ASSERT_EQ(test::run_cli({"run", test::kDataDir + "/good/talks.yaml", "--runs", "300", "-q",
                           "--out", dir.string()})
                .code,
            0);
  const auto r = test::run_cli({"report", dir.string(), "--html", "-q"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("skipped convergence: needs runs.csv (run with --runs-csv)"),
            std::string::npos)
      << r.err;
  std::ifstream html(dir / "report.html");
  std::stringstream text;
  text << html.rdbuf();
  EXPECT_NE(text.str().find("Skipped convergence: needs runs.csv"), std::string::npos);
  EXPECT_NE(text.str().find("data-key=\"outcomes.full_deal.p\""), std::string::npos);
}

TEST(CliReport, AMissingOrForeignDirectoryIsAnError) {
  auto r = test::run_cli({"report", "/no/such/dir"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("cannot read /no/such/dir/summary.json"), std::string::npos) << r.err;
  const auto dir = std::filesystem::temp_directory_path() / "negsim-report-foreign";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "summary.json") << "{\"something\": \"else\"}";
  r = test::run_cli({"report", dir.string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("not a negsim summary"), std::string::npos) << r.err;
  EXPECT_EQ(test::run_cli({"report"}).code, 2);
}

}  // namespace
}  // namespace negsim
