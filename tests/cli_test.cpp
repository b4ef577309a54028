#include "negsim/cli.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "negsim/model.hpp"
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
  EXPECT_NE(r.err.find("agents.e3.snapback.deadline: out of range (got uniform on [16, 22], "
                       "expected values in [0, 10])"),
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
  EXPECT_NE(r.out.find("This run's draws:"), std::string::npos);
  EXPECT_NE(r.out.find("Round 1 (week 1)"), std::string::npos);
  EXPECT_NE(r.out.find("full text:"), std::string::npos);
  EXPECT_NE(r.out.find("interim text:"), std::string::npos);
  EXPECT_NE(r.out.find("israel strike hazard"), std::string::npos);
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
}

TEST(CliTrace, SeedAndRunSelectTheRun) {
  const auto a = run_cli({"trace", kDefaultScenario, "--seed", "5", "--run", "2"});
  const auto b = run_cli({"trace", kDefaultScenario, "--seed", "5", "--run", "2"});
  const auto c = run_cli({"trace", kDefaultScenario, "--seed", "6", "--run", "2"});
  EXPECT_EQ(a.out, b.out);
  EXPECT_NE(a.out, c.out);
}

TEST(CliTrace, BadNumbersAreUsageErrors) {
  for (const char* bad : {"-1", "abc", "1e3", "18446744073709551616", ""}) {
    const auto r = run_cli({"trace", kDefaultScenario, "--seed", bad});
    EXPECT_EQ(r.code, 2) << bad;
    EXPECT_NE(r.err.find("--seed"), std::string::npos) << r.err;
    EXPECT_EQ(run_cli({"trace", kDefaultScenario, "--run", bad}).code, 2) << bad;
  }
}

TEST(CliTrace, InvalidScenarioExits1) {
  const auto r = run_cli({"trace", kDefaultScenario, "--set", "agents.us.trust=2"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("agents.us.trust: out of range"), std::string::npos);
  EXPECT_TRUE(r.out.empty());
}

}  // namespace
}  // namespace negsim
