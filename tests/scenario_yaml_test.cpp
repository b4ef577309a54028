#include "negsim/scenario_yaml.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <tuple>

#include "negsim/detail/text.hpp"
#include "negsim/detail/yaml_tree.hpp"
#include "test_util.hpp"

namespace negsim {
namespace {

using test::kMinimal;

Scenario load(const std::string& text, std::vector<std::string> sets = {}) {
  LoadOptions options;
  for (const auto& s : sets) options.overrides.push_back(parse_override(s));
  return load_scenario_text(text, "test.yaml", options);
}

/// The diagnostics a text produces; fails the test if it loads.
std::vector<Diagnostic> problems(const std::string& text, std::vector<std::string> sets = {}) {
  try {
    load(text, std::move(sets));
  } catch (const ScenarioError& e) {
    return e.diagnostics();
  }
  ADD_FAILURE() << "expected a ScenarioError";
  return {};
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

TEST(LoadScenario, DefaultScenarioHasTheSeedsActorsAndIssues) {
  const Scenario s = load_scenario(test::kDefaultScenario);
  EXPECT_EQ(s.version, 1);
  ASSERT_EQ(s.issues.size(), 5u);
  EXPECT_EQ(s.issues[0].name, "enrichment");
  EXPECT_EQ(s.issues[0].max, 60);
  EXPECT_EQ(s.issues[0].status_quo, 60);
  ASSERT_EQ(s.agents.size(), 5u);
  std::vector<Role> roles;
  for (const auto& a : s.agents) roles.push_back(a.role);
  EXPECT_EQ(roles, (std::vector<Role>{Role::principal, Role::principal, Role::spoiler,
                                      Role::enforcer, Role::mediator}));
  const Agent& us = s.agents[*s.agent_index("us")];
  EXPECT_EQ(us.red_lines[*s.issue_index("enrichment")].max, 3.67);
  // Congress-codified sanctions: the executive alone lifts only part of them.
  ASSERT_TRUE(us.domestic);
  ASSERT_EQ(us.domestic->caps.size(), 1u);
  EXPECT_EQ(us.domestic->caps[0].issue.index, *s.issue_index("sanctions"));
  // The congress variant changes the approval odds and nothing of the cap.
  const Scenario congress = load_scenario(test::kSourceDir + "/scenarios/congress.yaml");
  const Agent& strict = congress.agents[*congress.agent_index("us")];
  EXPECT_EQ(strict.domestic->caps, us.domestic->caps);
  EXPECT_NE(strict.domestic->ratification, us.domestic->ratification);
  EXPECT_EQ(congress.events.ratification_failure, RatificationFailure::phase);
  const Agent& e3 = s.agents[*s.agent_index("e3")];
  ASSERT_TRUE(e3.snapback);
  EXPECT_EQ(e3.snapback->target.index, *s.agent_index("iran"));
  EXPECT_EQ(s.deals.interim.size(), 3u);
}

TEST(LoadScenario, FillsDefaults) {
  const Scenario s = load(kMinimal);
  EXPECT_EQ(s.seed, 1u);
  EXPECT_EQ(s.rounds.horizon, 26);
  EXPECT_EQ(s.rounds.unit, "round");
  EXPECT_EQ(s.protocol.rule, TextRule::nash);
  EXPECT_EQ(s.issues[1].status_quo, 0);  // defaults to the range's minimum
  const Agent& us = s.agents[0];
  EXPECT_EQ(us.trust, Param(0.5));
  EXPECT_EQ(us.capability, Param(1.0));
  EXPECT_FALSE(us.domestic);
  EXPECT_TRUE(s.deals.interim.empty());
}

TEST(LoadScenario, ReadsEveryDistributionKind) {
  const Scenario s =
      load(kMinimal, {
                         "agents.us.trust={uniform: [0.2, 0.4]}",
                         "agents.iran.trust={normal: {mean: 0.3, sd: 0.1, min: 0, max: 1}}",
                         "agents.us.reservation={beta: {a: 2, b: 5}}",
                         "agents.iran.reservation={triangular: [0.1, 0.2, 0.5]}",
                         "agents.us.concession={choice: [0.01, 0.05]}",
                         "agents.iran.concession={choice: {values: [0.01, 0.05], weights: [3, 1]}}",
                     });
  EXPECT_EQ(s.agents[0].trust, Param::of(Uniform{0.2, 0.4}));
  EXPECT_EQ(s.agents[1].trust, Param::of(Normal{0.3, 0.1, 0.0, 1.0}));
  EXPECT_EQ(s.agents[0].reservation, Param::of(Beta{2, 5, 0, 1}));
  EXPECT_EQ(s.agents[1].reservation, Param::of(Triangular{0.1, 0.2, 0.5}));
  // A lone distribution in place of the concession block is its rate.
  EXPECT_EQ(*s.extension(0, "concession", "rate"), Param::of(Choice{{0.01, 0.05}, {}}));
  EXPECT_EQ(*s.extension(1, "concession", "rate"), Param::of(Choice{{0.01, 0.05}, {3, 1}}));
}

TEST(LoadScenario, CollectsEveryProblemInFileOrder) {
  std::string text = replace(kMinimal, "name: minimal", "name: minimal\nseed: -1");
  text = replace(text, "ideal: {enrichment: 0, sanctions: 20}",
                 "ideal: {enrichment: 0, sanctions: 120}");
  text += "colour: blue\n";
  const auto d = problems(text);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0].path, "seed");
  EXPECT_EQ(d[0].loc.line, 3);
  EXPECT_EQ(d[1].path, "agents.us.ideal.sanctions");
  EXPECT_EQ(d[1].str(),
            "test.yaml:10:39: agents.us.ideal.sanctions: out of range (got 120, expected a "
            "number in [0, 100] (% lifted))");
  EXPECT_EQ(d[2].path, "colour");
}

TEST(LoadScenario, ErrorIsTypedAndCarriesAllMessages) {
  const std::string text = replace(kMinimal, "role: principal", "role: boss");
  EXPECT_THROW(load(text), ScenarioError);
  try {
    load(text);
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("agents.us.role: unknown role"), std::string::npos);
  }
}

TEST(ParseYaml, RefusesWhatStallsTheParserAtItsPlace) {
  // yaml-cpp 0.7 reads empty documents forever on these (found by fuzzing);
  // each must be refused at the token it cannot place: {text, line, column}.
  const std::vector<std::tuple<std::string, int, int>> stalls = {
      {",", 1, 1},           {"-\n,", 2, 1},        {"- a\n,", 2, 1},     {"- a\n\n,", 3, 1},
      {"---\n- a\n,", 3, 1}, {"- a\n...\n,", 3, 1}, {"!t\n- a\n,", 3, 1}, {"- \"a\"\n,", 2, 1},
      {"- [a]\n,", 2, 1},    {"\"a\"\n ,", 2, 2},   {"\"a\", b", 1, 4},   {"[a], b", 1, 4},
      {"&x,", 1, 3},         {"- a\n, b", 2, 1}};
  for (const auto& [text, line, column] : stalls) {
    try {
      detail::parse_yaml_text(text, "t.yaml");
      ADD_FAILURE() << "accepted: " << text;
    } catch (const ScenarioError& e) {
      ASSERT_EQ(e.diagnostics().size(), 1u) << text;
      const Diagnostic& d = e.diagnostics().front();
      EXPECT_EQ(d.message, "malformed YAML: ',' outside a flow collection ([...] or {...})")
          << text;
      EXPECT_EQ(d.loc.line, line) << text;
      EXPECT_EQ(d.loc.column, column) << text;
    }
  }
  // Documents are counted up to a bound, whatever follows.
  std::string many = "a: 1\n";
  for (int i = 0; i < 5000; ++i) many += "---\nb: 2\n";
  try {
    detail::parse_yaml_text(many, "t.yaml");
    ADD_FAILURE() << "accepted 5001 documents";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("t.yaml:3:1: more than one YAML document (got more "
                                         "than 1000, expected one scenario per file)"),
              std::string::npos)
        << e.what();
  }
  // A ',' inside a plain scalar is text, also on a continuation line.
  for (const auto& [text, value] : std::vector<std::pair<std::string, std::string>>{
           {"a: x ,y", "x ,y"}, {"a: x\n  ,y", "x ,y"}, {"a: x, y", "x, y"}}) {
    const detail::YNode root = detail::parse_yaml_text(text, "t.yaml");
    ASSERT_NE(root.find("a"), nullptr) << text;
    EXPECT_EQ(root.find("a")->scalar, value) << text;
  }
}

TEST(ParseYaml, ExpandsAliasesAsCopiesAndRefusesCycles) {
  const detail::YNode root = detail::parse_yaml_text("a: &x [1, {k: v}]\nb: *x\n", "t.yaml");
  const detail::YNode* b = root.find("b");
  ASSERT_NE(b, nullptr);
  ASSERT_TRUE(b->is_sequence());
  ASSERT_EQ(b->items.size(), 2u);
  EXPECT_EQ(b->items[0].scalar, "1");
  ASSERT_NE(b->items[1].find("k"), nullptr);
  EXPECT_EQ(b->items[1].find("k")->scalar, "v");
  EXPECT_EQ(b->loc.line, 1);  // where the value was written
  // A copy counts at the depth it lands: deeper than the limit is refused.
  detail::ParseLimits limits;
  limits.max_depth = 5;
  EXPECT_NO_THROW(detail::parse_yaml_text("a: &x [[[1]]]\nb: [*x]", "t.yaml", limits));
  EXPECT_THROW(detail::parse_yaml_text("a: &x [[[1]]]\nb: [[*x]]", "t.yaml", limits),
               ScenarioError);
  EXPECT_THROW(detail::parse_yaml_text("b: [[[[[1]]]]]", "t.yaml", limits), ScenarioError);
  for (const char* cycle : {"a: &x [1, *x]", "a: &x {k: *x}"}) {
    try {
      detail::parse_yaml_text(cycle, "t.yaml");
      ADD_FAILURE() << "accepted: " << cycle;
    } catch (const ScenarioError& e) {
      EXPECT_NE(std::string(e.what()).find("t.yaml:1:11: alias inside the value it refers to"),
                std::string::npos)
          << e.what();
    }
  }
}

TEST(LoadScenario, CrlfLineEndingsReadAsLf) {
  std::ifstream in(test::kDefaultScenario, std::ios::binary);
  const std::string lf((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string crlf;
  for (const char c : lf) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  ASSERT_GT(crlf.size(), lf.size());
  EXPECT_EQ(load_scenario_text(crlf, "muscat.yaml"), load_scenario_text(lf, "muscat.yaml"));
  // Problems are placed on the same line and column either way.
  const auto where = [](const std::string& text) {
    const auto found = problems(text);
    return found.empty() ? SourceLoc{} : found.front().loc;
  };
  const std::string bad = replace(kMinimal, "name: ", "name: [");
  std::string bad_crlf;
  for (const char c : bad) bad_crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  EXPECT_EQ(where(bad_crlf).line, where(bad).line);
  EXPECT_EQ(where(bad_crlf).column, where(bad).column);
  EXPECT_GT(where(bad).line, 1);
  // A lone CR (old Mac line endings) is refused where it stands.
  const auto lone = problems("negsim: 1\rname: x\n");
  ASSERT_EQ(lone.size(), 1u);
  EXPECT_EQ(lone[0].loc.line, 1);
  EXPECT_EQ(lone[0].loc.column, 10);
}

TEST(LoadScenario, NumbersFollowYamlNotStrtod) {
  // Underflow is zero, not infinity; words strtod would take are strings in YAML.
  EXPECT_EQ(load(kMinimal, {"agents.us.trust=1e-400"}).agents[0].trust, Param(0.0));
  EXPECT_EQ(load(kMinimal, {"agents.us.trust=+.5"}).agents[0].trust, Param(0.5));
  for (const char* bad : {"inf", "nan", "+-0.5", "0x1p-2", "1,5", "0.5 0.5"}) {
    EXPECT_THROW(load(kMinimal, {std::string("agents.us.trust=") + bad}), ScenarioError) << bad;
  }
}

TEST(LoadScenario, WholeSupportOfADistributionMustBeLegal) {
  // The mean is legal but draws can exceed 1: that is an error, not a clamp.
  const auto d = problems(kMinimal, {"agents.us.trust={uniform: [0.5, 1.5]}"});
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NE(d[0].message.find("uniform on [0.5, 1.5]"), std::string::npos);
  // A truncated normal inside [0, 1] is fine.
  EXPECT_NO_THROW(load(kMinimal, {"agents.us.trust={normal: {mean: 0.5, sd: 2, min: 0, max: 1}}"}));
}

TEST(LoadScenario, RedLinesAreCheckedAgainstTheAgentsOwnIdeal) {
  // An ideal drawn partly beyond the agent's own red line is contradictory.
  const auto d = problems(kMinimal, {"agents.us.red_lines={enrichment: {max: 3.67}}",
                                     "agents.us.ideal.enrichment={uniform: [0, 5]}"});
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].path, "agents.us.red_lines.enrichment");
  EXPECT_NO_THROW(load(kMinimal, {"agents.us.red_lines={enrichment: {max: 3.67}}",
                                  "agents.us.ideal.enrichment={uniform: [0, 3.67]}"}));
}

TEST(LoadScenario, ReferencesResolveToIndicesWhateverTheOrder) {
  // The enforcer names a principal defined after it.
  const std::string text =
      replace(kMinimal, "agents:\n",
              "agents:\n  e3:\n    role: enforcer\n    ideal: {enrichment: 3}\n"
              "    salience: {enrichment: 1}\n"
              "    snapback: {deadline: 5, target: iran}\n");
  const Scenario s = load(text);
  EXPECT_EQ(s.agents[0].snapback->target.index, 2u);
  EXPECT_EQ(s.agents[0].snapback->target.name, "iran");
}

TEST(LoadScenario, RejectsUnknownKeysWithSuggestion) {
  const auto d = problems(kMinimal, {"agents.us.trsut=0.3"});
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].message, "unknown key (did you mean \"trust\"?)");
  EXPECT_EQ(d[0].loc.file, "--set agents.us.trsut=0.3");
  EXPECT_EQ(d[0].str(),
            "--set agents.us.trsut=0.3: agents.us.trsut: unknown key (did you mean \"trust\"?)");
}

TEST(LoadScenario, ACapIsACeilingAFloorOrBoth) {
  // A number or a distribution is a ceiling; {min, max} gives a floor, a
  // ceiling or both, each checked against the issue's range.
  const Scenario floor = load(kMinimal, {"agents.us.domestic={caps: {sanctions: {min: 30}}}"});
  const Cap& f = floor.agents[0].domestic->caps.at(0);
  EXPECT_FALSE(f.max);
  EXPECT_EQ(*f.min, Param(30));
  const Scenario both = load(
      kMinimal, {"agents.us.domestic={caps: {sanctions: {min: 10, max: {uniform: [40, 60]}}}}"});
  const Cap& c = both.agents[0].domestic->caps.at(0);
  EXPECT_EQ(*c.min, Param(10));
  EXPECT_EQ(*c.max, Param::of(Uniform{40, 60}));
  EXPECT_EQ(load_scenario_text(to_yaml(both), "resolved.yaml"), both);
  EXPECT_EQ(*load(kMinimal, {"agents.us.domestic={caps: {sanctions: {uniform: [20, 40]}}}"})
                 .agents[0]
                 .domestic->caps.at(0)
                 .max,
            Param::of(Uniform{20, 40}));
  const auto bad = problems(kMinimal, {"agents.us.domestic={caps: {sanctions: {min: 300}}}"});
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0].path, "agents.us.domestic.caps.sanctions.min");
}

TEST(ParseYaml, MergeKeysCopyWhatTheMappingDoesNotSet) {
  // YAML's merge key: shared agent fields written once.
  const std::string text = R"(negsim: 1
name: merged
issues:
  enrichment: {unit: "%", range: [0, 60], status_quo: 60}
  sanctions: {unit: "%", range: [0, 100]}
agents:
  us: &principal
    role: principal
    trust: 0.4
    ideal: {enrichment: 0, sanctions: 20}
    salience: {enrichment: 0.7, sanctions: 0.3}
  iran:
    <<: *principal
    trust: 0.2
    ideal: {enrichment: 60, sanctions: 100}
)";
  const Scenario s = load(text);
  const Agent& iran = s.agents[*s.agent_index("iran")];
  EXPECT_EQ(iran.role, Role::principal);
  EXPECT_EQ(iran.trust, Param(0.2));                                  // its own value wins
  EXPECT_EQ(iran.salience, s.agents[*s.agent_index("us")].salience);  // merged
  // A list of mappings merges in order, the first listed winning.
  const Scenario t =
      load(std::string(kMinimal) + "rounds:\n  <<: [{horizon: 9}, {horizon: 4, unit: day}]\n");
  EXPECT_EQ(t.rounds.horizon, 9);
  EXPECT_EQ(t.rounds.unit, "day");
  const auto bad = problems(std::string(kMinimal) + "rounds:\n  <<: 5\n");
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_NE(bad[0].message.find("the merge key << takes a mapping or a list of mappings (got 5)"),
            std::string::npos)
      << bad[0].str();
}

TEST(LoadScenario, EnforcesStructuralLimits) {
  std::string issues;
  for (int i = 0; i < 17; ++i) issues += "  i" + std::to_string(i) + ": {unit: u, range: [0, 1]}\n";
  const std::string text =
      replace(kMinimal,
              "  enrichment: {unit: \"% U-235\", range: [0, 60], status_quo: 60}\n"
              "  sanctions: {unit: \"% lifted\", range: [0, 100]}\n",
              issues);
  bool found = false;
  for (const auto& d : problems(text)) found |= d.message.find("too many issues (got 17") == 0;
  EXPECT_TRUE(found);
}

TEST(LoadScenario, ParseLimitsAreEnforcedAndAdjustable) {
  LoadOptions tight;
  tight.limits.max_nodes = 20;
  EXPECT_THROW(load_scenario_text(kMinimal, "t.yaml", tight), ScenarioError);
  LoadOptions shallow;
  shallow.limits.max_depth = 2;
  EXPECT_THROW(load_scenario_text(kMinimal, "t.yaml", shallow), ScenarioError);
  EXPECT_NO_THROW(load_scenario_text(kMinimal, "t.yaml", LoadOptions{}));
}

TEST(LoadScenario, MissingFileAndDirectoryAreScenarioErrors) {
  try {
    load_scenario(test::kDataDir + "/no-such-file.yaml");
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.diagnostics().at(0).message, "file does not exist");
  }
  try {
    load_scenario(test::kDataDir);
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.diagnostics().at(0).message, "is a directory, not a scenario file");
  }
}

// ---------------------------------------------------------------------------
// Variants (base:)

TEST(Variants, ChangeOnlyWhatTheyName) {
  const Scenario base = load_scenario(test::kDataDir + "/good/talks.yaml");
  const Scenario v = load_scenario(test::kDataDir + "/good/talks-variant.yaml");
  EXPECT_EQ(v.name, "talks without the guard, compromise texts");
  EXPECT_EQ(v.protocol.rule, TextRule::compromise);
  EXPECT_EQ(v.protocol.walkout_patience, base.protocol.walkout_patience);  // inherited
  const Agent& west = v.agents[*v.agent_index("west")];
  EXPECT_EQ(west.trust, Param(0.45));  // a distribution replaced by a number
  EXPECT_EQ(west.reservation, base.agents[*base.agent_index("west")].reservation);
  const Agent& east = v.agents[*v.agent_index("east")];
  EXPECT_EQ(east.ideal[*v.issue_index("relief")], Param(80.0));
  EXPECT_EQ(east.ideal[*v.issue_index("nuclear")], Param(100.0));  // merged, not replaced
  EXPECT_FALSE(v.agent_index("guard"));                            // removed with ~
  EXPECT_EQ(v.agents.size(), base.agents.size() - 1);
  EXPECT_EQ(v.agents[*v.agent_index("hawk")], base.agents[*base.agent_index("hawk")]);
  ASSERT_EQ(v.sources.size(), base.sources.size() + 1);  // sources accumulate
  EXPECT_EQ(v.sources.back().id, "variant-note");
}

TEST(Variants, NamesThatLookLikeDistributionKindsStillMerge) {
  // An issue called "uniform": a variant changing one of its saliences must
  // merge the salience mapping, not replace it.
  const std::string dir = std::filesystem::temp_directory_path() / "negsim-variant-names";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/base.yaml") << R"(negsim: 1
name: base
issues:
  uniform: {unit: u, range: [0, 1]}
  other: {unit: u, range: [0, 1]}
agents:
  a: {role: principal, ideal: {uniform: 0, other: 0}, salience: {uniform: 0.5, other: 0.5}}
  b: {role: principal, ideal: {uniform: 1, other: 1}, salience: {uniform: 0.5, other: 0.5}}
)";
  std::ofstream(dir + "/variant.yaml")
      << "base: base.yaml\nname: v\nagents: {a: {salience: {uniform: 0.9}}}\n";
  const Scenario v = load_scenario(dir + "/variant.yaml");
  EXPECT_EQ(v.agents[0].salience[0], Param(0.9));
  EXPECT_EQ(v.agents[0].salience[1], Param(0.5));  // kept from the base
}

TEST(Variants, ResolvedFormStandsAlone) {
  const Scenario v = load_scenario(test::kDataDir + "/good/talks-variant.yaml");
  const std::string yaml = to_yaml(v);
  EXPECT_EQ(yaml.find("\nbase:"), std::string::npos);
  EXPECT_EQ(load_scenario_text(yaml, "resolved.yaml"), v);
}

TEST(Variants, ProblemsPointAtTheFileThatHasThem) {
  try {
    load_scenario(test::kDataDir + "/good/talks-variant.yaml",
                  LoadOptions{{parse_override("agents.east={role: principal}")}, {}, {}});
    FAIL();
  } catch (const ScenarioError& e) {
    bool saw = false;
    for (const auto& d : e.diagnostics()) saw |= d.message.find("missing required field") == 0;
    EXPECT_TRUE(saw) << e.what();
  }
  // Removing a principal leaves the base's cast too small: reported in the base file.
  const std::string text =
      "base: " + test::kDataDir + "/good/talks.yaml\nname: x\nagents: {east: ~}\n";
  try {
    load_scenario_text(text, test::kDataDir + "/variant.yaml");
    FAIL();
  } catch (const ScenarioError& e) {
    // Too few principals, and the guard's snapback target is gone: both are
    // where the base file says so.
    ASSERT_EQ(e.diagnostics().size(), 2u) << e.what();
    for (const auto& d : e.diagnostics()) {
      EXPECT_NE(d.loc.file.find("good/talks.yaml"), std::string::npos) << d.str();
    }
    EXPECT_NE(e.diagnostics()[0].message.find("too few principals"), std::string::npos);
    EXPECT_EQ(e.diagnostics()[1].path, "agents.guard.snapback.target");
  }
}

// ---------------------------------------------------------------------------
// Overrides

TEST(Overrides, ReplaceAValue) {
  const Scenario s = load(kMinimal, {"agents.us.trust=0.25", "rounds.horizon=12", "seed=99"});
  EXPECT_EQ(s.agents[0].trust, Param(0.25));
  EXPECT_EQ(s.rounds.horizon, 12);
  EXPECT_EQ(s.seed, 99u);
}

TEST(Overrides, CreateMissingSectionsAndIndexLists) {
  const std::string text = std::string(kMinimal) + "deals:\n  interim: {issues: [enrichment]}\n";
  const Scenario s = load(text, {"deals.interim.issues.0=sanctions", "protocol.rule=compromise"});
  ASSERT_EQ(s.deals.interim.size(), 1u);
  EXPECT_EQ(s.deals.interim[0].name, "sanctions");
  EXPECT_EQ(s.protocol.rule, TextRule::compromise);
}

TEST(Overrides, AFieldOfAMisspeltAgentIsAnUnknownAgent) {
  const auto d = problems(kMinimal, {"agents.usa.trust=0.1"});
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].str(),
            "--set agents.usa.trust=0.1: agents.usa: unknown agent (got \"usa\", did you mean "
            "\"us\"?); to add one, give it whole: --set 'agents.usa={...}'");
  const auto issue = problems(kMinimal, {"issues.sanction.status_quo=5"});
  ASSERT_EQ(issue.size(), 1u);
  EXPECT_NE(issue[0].message.find("unknown issue (got \"sanction\", did you mean \"sanctions\"?)"),
            std::string::npos)
      << issue[0].str();
  // A whole new agent can still be added.
  const Scenario s = load(kMinimal, {"agents.eu={role: mediator}"});
  EXPECT_EQ(s.agents.size(), 3u);
}

TEST(Overrides, LaterOverridesWin) {
  const Scenario s = load(kMinimal, {"agents.us.trust=0.25", "agents.us.trust=0.75"});
  EXPECT_EQ(s.agents[0].trust, Param(0.75));
}

TEST(Overrides, InvalidValuesAreReportedAgainstTheOverride) {
  const auto d = problems(kMinimal, {"agents.us.trust=abc"});
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].str(),
            "--set agents.us.trust=abc: agents.us.trust: wrong type (got abc, expected a number in "
            "[0, 1])");
}

TEST(Overrides, CannotDescendIntoAScalarOrPastAList) {
  EXPECT_THROW(load(kMinimal, {"name.first=x"}), ScenarioError);
  const std::string text = std::string(kMinimal) + "deals:\n  interim: {issues: [enrichment]}\n";
  EXPECT_THROW(load(text, {"deals.interim.issues.3=sanctions"}), ScenarioError);
  EXPECT_THROW(load(kMinimal, {"agents.us.trust={uniform: [0.1"}), ScenarioError);
}

TEST(Overrides, AnUnfollowablePathDoesNotHideOtherProblems) {
  const auto d = problems(kMinimal, {"name.first=x", "agents.us.trust=3"});
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].str(),
            "--set name.first=x: name.first: cannot set a field inside name (got minimal, "
            "expected a mapping)");
  EXPECT_EQ(d[1].path, "agents.us.trust");
}

TEST(Overrides, MalformedArgumentsAreUsageErrors) {
  EXPECT_THROW(parse_override("agents.us.trust"), UsageError);
  EXPECT_THROW(parse_override("=0.3"), UsageError);
  EXPECT_THROW(parse_override("agents..trust=0.3"), UsageError);
  const Override o = parse_override("name=a=b");
  EXPECT_EQ(o.path, "name");
  EXPECT_EQ(o.value, "a=b");
}

// ---------------------------------------------------------------------------
// Writing and reading back

class RoundTrip : public ::testing::TestWithParam<std::string> {};

TEST_P(RoundTrip, ResolvedYamlAndJsonLoadBackEqual) {
  const Scenario original = load_scenario(GetParam());
  const std::string yaml = to_yaml(original);
  const Scenario from_yaml = load_scenario_text(yaml, "resolved.yaml");
  EXPECT_EQ(from_yaml, original) << yaml;
  const Scenario from_json = load_scenario_text(to_json(original), "resolved.json");
  EXPECT_EQ(from_json, original);
  // Resolving is idempotent: the resolved form of the resolved form is itself.
  EXPECT_EQ(to_yaml(from_yaml), yaml);
}

INSTANTIATE_TEST_SUITE_P(
    Scenarios, RoundTrip,
    ::testing::Values(test::kDefaultScenario, test::kDataDir + "/good/every-field.yaml",
                      test::kDataDir + "/good/minimal.yaml", test::kDataDir + "/good/talks.yaml",
                      test::kDataDir + "/good/model2-fields.yaml"),
    [](const auto& param_info) {
      return test::test_name(std::filesystem::path(param_info.param).stem().string());
    });

TEST(RoundTripValues, ExactDoublesSurvive) {
  // Values with no short decimal form must come back bit for bit.
  const double third = 1.0 / 3.0;
  const Scenario s = load(kMinimal, {"agents.us.trust=" + detail::format_number(third),
                                     "agents.iran.trust={uniform: [1e-300, 0.30000000000000004]}"});
  const Scenario back = load_scenario_text(to_yaml(s), "resolved.yaml");
  EXPECT_EQ(back.agents[0].trust.value(), third);
  EXPECT_EQ(back, s);
}

TEST(RoundTripValues, DiffersWhenAValueDiffers) {
  // The equality used by the round-trip test is not vacuous.
  const Scenario a = load(kMinimal);
  const Scenario b = load(kMinimal, {"agents.iran.ideal.sanctions=99"});
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace negsim
