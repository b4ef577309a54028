// Reservations measured by the status quo or a named text, and `negsim
// utilities` (docs/MODEL.md §1.5, docs/SCENARIO.md "texts", "reservation").
// Every number here is computed by hand from the utility
// u = 1 - sum_k s_k |x_k - theta_k|^gamma on normalised issues.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "negsim/mechanism.hpp"
#include "negsim/scenario_yaml.hpp"
#include "test_util.hpp"

namespace negsim {
namespace {

using test::run_cli;

// us: ideal (0, 20) with saliences 0.7 / 0.3 on enrichment [0, 60] and
// sanctions [0, 100]; the status quo is (60, 0), normalised (1, 0).
// u_us(status quo) = 1 - 0.7 * 1 - 0.3 * 0.2 = 0.24.
// u_us(jcpoa: enrichment 3.67, sanctions 50) = 1 - 0.7 * 0.06117 - 0.3 * 0.3 = 0.86718.
// iran: ideal (60, 100), saliences 0.4 / 0.6: u_iran(status quo) = 1 - 0.6 = 0.4;
// u_iran(us's ideal) = 1 - 0.4 * 1 - 0.6 * 0.8 = 0.12.
const char* kAnchored = R"(negsim: 1
name: anchored
seed: 5
rounds: {unit: week, horizon: 10}
issues:
  enrichment: {unit: "% U-235", range: [0, 60], status_quo: 60}
  sanctions: {unit: "% lifted", range: [0, 100]}
texts:
  jcpoa: {enrichment: 3.67, sanctions: 50}
agents:
  us:
    role: principal
    reservation: {of: status_quo, plus: 0.1}
    ideal: {enrichment: 0, sanctions: 20}
    salience: {enrichment: 0.7, sanctions: 0.3}
  iran:
    role: principal
    reservation: {of: jcpoa, plus: -0.9}
    ideal: {enrichment: 60, sanctions: 100}
    salience: {enrichment: 0.4, sanctions: 0.6}
)";

std::string write(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path) << text;
  return path.string();
}

double u_jcpoa_iran() { return 1 - 0.4 * (1 - 3.67 / 60) - 0.6 * 0.5; }

TEST(Reservation, IsTheUtilityOfTheStatusQuoOrOfANamedTextPlusTheOffset) {
  const Scenario s = load_scenario_text(kAnchored, "anchored.yaml");
  const model::Negotiation negotiation(s);
  model::Draw draw;
  negotiation.draw(s.seed, 0, 0, draw);
  model::RunStreams streams(negotiation, s.seed, 0, 0);
  model::Talks talks;
  negotiation.opening(draw, streams, talks);
  EXPECT_NEAR(talks.reservation[0], 0.24 + 0.1, 1e-12);
  // Below 0 after the offset: kept at 0.
  EXPECT_GT(u_jcpoa_iran(), 0.0);
  EXPECT_LT(u_jcpoa_iran() - 0.9, 0.0);
  EXPECT_EQ(talks.reservation[1], 0.0);
  // The resolved file says the same and reads back to the same scenario.
  const std::string yaml = to_yaml(s);
  EXPECT_NE(yaml.find("reservation: {of: status_quo, plus: 0.1}"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("texts:\n  jcpoa:\n    enrichment: 3.67\n    sanctions: 50\n"),
            std::string::npos)
      << yaml;
  EXPECT_EQ(load_scenario_text(yaml, "resolved.yaml"), s);
}

TEST(Reservation, MeasuredByTheStatusQuoLeavesTheTrustAsGiven) {
  // The anchored reservation once skipped the principal's trust, which
  // then read 0 whatever the file said.
  std::string text = kAnchored;
  text.replace(text.find("    reservation: {of: status_quo"), 0, "    trust: 0.4\n");
  text.replace(text.find("    reservation: {of: jcpoa"), 0, "    trust: {uniform: [0.6, 0.8]}\n");
  const Scenario s = load_scenario_text(text, "anchored.yaml");
  const model::Negotiation negotiation(s);
  model::Draw draw;
  negotiation.draw(s.seed, 0, 0, draw);
  model::RunStreams streams(negotiation, s.seed, 0, 0);
  model::Talks talks;
  negotiation.opening(draw, streams, talks);
  EXPECT_DOUBLE_EQ(talks.trust[0], 0.4);
  EXPECT_GE(talks.trust[1], 0.6);
  EXPECT_LE(talks.trust[1], 0.8);
  EXPECT_NEAR(talks.reservation[0], 0.24 + 0.1, 1e-12);
}

TEST(Reservation, ErrorsNameTheTextAndTheIssue) {
  auto problems = [](const std::string& text) {
    return test::problems_of([&] { load_scenario_text(text, "t.yaml"); });
  };
  std::string bad = kAnchored;
  bad.replace(bad.find("of: jcpoa"), 9, "of: jcpo");
  EXPECT_EQ(problems(bad), std::vector<std::string>{"agents.iran.reservation.of: unknown text "
                                                    "(got \"jcpo\", did you mean \"jcpoa\"?)"});
  bad = kAnchored;
  bad.replace(bad.find("sanctions: 50}"), 14, "sanction: 50}");
  EXPECT_EQ(problems(bad),
            std::vector<std::string>{
                "texts.jcpoa.sanction: unknown issue (did you mean \"sanctions\"?)"});
  bad = kAnchored;
  bad.replace(bad.find("enrichment: 3.67"), 16, "enrichment: 90");
  EXPECT_EQ(problems(bad), std::vector<std::string>{"texts.jcpoa.enrichment: out of range (got 90, "
                                                    "expected a number in [0, 60] (% U-235))"});
  bad = kAnchored;
  bad.replace(bad.find("{of: status_quo, plus: 0.1}"), 27, "{plus: 0.1}");
  EXPECT_EQ(problems(bad), std::vector<std::string>{
                               "agents.us.reservation: a relative reservation needs `of` (got plus "
                               "without it, expected {of: status_quo, plus: D} or {of: TEXT, plus: "
                               "D})"});
  bad = kAnchored;
  bad.replace(bad.find("plus: 0.1"), 9, "plus: 2");
  EXPECT_EQ(problems(bad), std::vector<std::string>{"agents.us.reservation.plus: out of range (got "
                                                    "2, expected a number in [-1, 1])"});
}

TEST(Utilities, PrintsEachAgentsUtilityOfTheStatusQuoIdealsAndTexts) {
  const std::string file = write("negsim-utilities.yaml", kAnchored);
  const auto r =
      run_cli({"utilities", file, "--format", "json", "--draws", "3", "--text", "sanctions=100"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  const auto& us = j["agents"]["us"];
  EXPECT_NEAR(us["utility"]["status quo"]["mean"].get<double>(), 0.24, 1e-12);
  EXPECT_NEAR(us["utility"]["us's ideal"]["mean"].get<double>(), 1.0, 1e-12);
  EXPECT_NEAR(us["utility"]["text jcpoa"]["mean"].get<double>(), 1 - 0.7 * (3.67 / 60) - 0.3 * 0.3,
              1e-12);
  // sanctions 100 with enrichment at its status quo (60): 1 - 0.7 - 0.3 * 0.8.
  EXPECT_NEAR(us["utility"]["text sanctions=100"]["mean"].get<double>(), 0.06, 1e-12);
  EXPECT_NEAR(us["reservation"]["mean"].get<double>(), 0.34, 1e-12);
  const auto& iran = j["agents"]["iran"];
  EXPECT_NEAR(iran["utility"]["status quo"]["mean"].get<double>(), 0.4, 1e-12);
  EXPECT_NEAR(iran["utility"]["us's ideal"]["mean"].get<double>(), 0.12, 1e-12);
  EXPECT_NEAR(iran["utility"]["text jcpoa"]["mean"].get<double>(), u_jcpoa_iran(), 1e-12);

  const auto text = run_cli({"utilities", file});
  ASSERT_EQ(text.code, 0) << text.err;
  EXPECT_NE(text.out.find("| us | 0.340 | 0.240 | 1.000 |"), std::string::npos) << text.out;

  const auto unknown = run_cli({"utilities", file, "--text", "jcpo"});
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.err.find("--text: unknown text \"jcpo\" (expected one of jcpoa or "
                             "issue=value,...)"),
            std::string::npos)
      << unknown.err;
  const auto range = run_cli({"utilities", file, "--text", "sanctions=120"});
  EXPECT_EQ(range.code, 2);
  EXPECT_NE(range.err.find("--text: sanctions=120 is not a number in [0, 100] (% lifted)"),
            std::string::npos)
      << range.err;
  const auto issue = run_cli({"utilities", file, "--text", "sanction=10"});
  EXPECT_EQ(issue.code, 2);
  EXPECT_NE(issue.err.find("--text: unknown issue \"sanction\""), std::string::npos) << issue.err;
}

TEST(Utilities, UncertainParametersGiveTheirSpread) {
  // An ideal drawn uniformly on [0, 60] for us: its utility of the status
  // quo, 1 - 0.7 |1 - theta| - 0.06, spreads over [0.24, 0.94].
  std::string text = kAnchored;
  text.replace(text.find("ideal: {enrichment: 0,"), 22, "ideal: {enrichment: {uniform: [0, 60]},");
  const std::string file = write("negsim-utilities-spread.yaml", text);
  const auto r = run_cli({"utilities", file, "--format", "json", "--draws", "4000"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto sq = nlohmann::json::parse(r.out)["agents"]["us"]["utility"]["status quo"];
  EXPECT_NEAR(sq["mean"].get<double>(), 0.24 + 0.35, 0.02);
  EXPECT_NEAR(sq["q05"].get<double>(), 0.24 + 0.7 * 0.05, 0.02);
  EXPECT_NEAR(sq["q95"].get<double>(), 0.24 + 0.7 * 0.95, 0.02);
}

}  // namespace
}  // namespace negsim
