// The architecture's promise: a mechanism is one class, added with one line,
// and adding it moves no other mechanism's numbers. Proved with a toy
// mechanism defined here, outside the library.
#include "negsim/mechanism.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>

#include "negsim/mechanisms/standard.hpp"
#include "negsim/outputs.hpp"
#include "negsim/scenario_yaml.hpp"
#include "negsim/trace.hpp"
#include "test_util.hpp"

namespace negsim::model {
namespace {

/// Fatigue: each round the talks may collapse from exhaustion, with a
/// hazard growing with the rounds played and lowered by the principals'
/// stamina. It adds its own fields to the scenario format
/// (`mechanisms.fatigue.rate`, `agents.NAME.stamina.resistance` for
/// principals), and has its own stream, event, cause, trace field and
/// per-run state.
class Fatigue final : public Mechanism {
 public:
  static std::vector<ExtensionBlock> extensions() {
    ExtensionBlock fatigue, stamina;
    fatigue.name = "fatigue";
    fatigue.fields = {ExtensionField::number("rate", 0, 1, 0.1, "a hazard in [0, 1]")};
    stamina.name = "stamina";
    stamina.roles = {Role::principal};
    stamina.fields = {ExtensionField::number("resistance", 0, 1, 0.0, "a share in [0, 1]")};
    return {fatigue, stamina};
  }
  const char* name() const override { return "fatigue"; }
  void declare(Setup& setup) override {
    const Scenario& s = setup.scenario();
    rate_ = setup.param(-1, "mechanisms.fatigue.rate", *s.extension(-1, "fatigue", "rate"));
    for (std::size_t i : setup.negotiation().principals()) {
      if (const Param* r = s.extension(static_cast<int>(i), "stamina", "resistance")) {
        resistance_.push_back(setup.param(static_cast<int>(i), "stamina.resistance", *r));
      }
    }
    stream_ = setup.stream();
    cause_ = setup.cause("fatigue");
    event_ = setup.event("exhaustion", "the talks collapse from exhaustion", cause_);
    field_ = setup.field("fatigue_hazard", "fatigue hazard", FieldKind::number, 4);
    state_ = setup.state<State>();
  }
  void start(Run& run) const override {
    run.state<State>(state_) = State{0};
    // A probe of what the earlier mechanisms set up: saliences sum to 1.
    for (std::size_t i : run.negotiation().principals()) {
      double total = 0;
      for (std::size_t k = 0; k < run.talks.n_issues; ++k) total += run.talks.salience[i][k];
      const std::lock_guard<std::mutex> lock(probe_mutex);  // runs start on every thread
      salience_totals.push_back(total);
    }
  }
  void step(Run& run) const override {
    State& st = run.state<State>(state_);
    ++st.rounds;
    double resistance = 0;
    for (ParamId r : resistance_) resistance = std::max(resistance, run.param(r));
    const double hazard =
        run.param(rate_) * (1 - resistance) * st.rounds / run.scenario().rounds.horizon;
    run.trace(field_, -1, hazard);
    if (run.stream(stream_).bernoulli(hazard)) {
      run.record(event_, -1);
      run.end(Outcome::breakdown, cause_, -1);
    }
  }

  mutable std::vector<double> salience_totals;  // for the probe
  mutable std::mutex probe_mutex;

 private:
  struct State {
    int rounds;
  };
  ParamId rate_ = kNoParam;
  std::vector<ParamId> resistance_;
  StreamId stream_ = 0;
  Cause cause_ = 0;
  EventKind event_ = 0;
  FieldId field_ = 0;
  std::size_t state_ = 0;
};

/// The standard registration list and the toy: the one line that adds it.
std::vector<MechanismEntry> entries() {
  auto list = standard_entries();
  list.push_back(mechanism_entry<Fatigue>());
  return list;
}

/// talks.yaml with the toy's fields, read with the toy's extensions.
Scenario talks(
    const std::string& fields = "mechanisms: {fatigue: {rate: {uniform: [0.05, 0.4]}}}\n",
    std::vector<std::string> sets = {}) {
  std::ifstream in(test::kDataDir + "/good/talks.yaml");
  std::stringstream text;
  text << in.rdbuf() << fields;
  LoadOptions options;
  options.extensions = extensions_of(entries());
  for (const auto& s : sets) options.overrides.push_back(parse_override(s));
  return load_scenario_text(text.str(), "talks.yaml", options);
}

std::vector<std::unique_ptr<Mechanism>> with_fatigue(Fatigue** toy = nullptr) {
  auto m = make_mechanisms(entries());
  if (toy) *toy = static_cast<Fatigue*>(m.back().get());
  return m;
}

TEST(Mechanism, AToyMechanismJoinsEveryTableByDeclaringItself) {
  const Scenario s = talks();
  const Negotiation negotiation(s, with_fatigue());
  const Catalog& c = negotiation.catalog();
  EXPECT_EQ(c.mechanisms.back(), "fatigue");
  EXPECT_EQ(c.causes[c.cause("fatigue")], "fatigue");
  EXPECT_EQ(c.events[c.event("exhaustion")].ends, c.cause("fatigue"));
  EXPECT_NO_THROW(negotiation.param("mechanisms.fatigue.rate"));
  EXPECT_NO_THROW(c.field("fatigue_hazard"));

  // It ends some runs, and each of those carries its event.
  int ended = 0;
  for (std::uint64_t r = 0; r < 500; ++r) {
    const RunResult res = negotiation.run(s.seed, 0, r);
    if (res.cause != c.cause("fatigue")) continue;
    ++ended;
    EXPECT_EQ(res.event_counts[c.event("exhaustion")], 1);
    EXPECT_EQ(res.outcome, Outcome::breakdown);
  }
  EXPECT_GT(ended, 50);
  EXPECT_LT(ended, 450);
}

TEST(Mechanism, AddingOneMovesNoOtherNumber) {
  // Every standard parameter draws the same value, and every run the toy
  // does not end is the very run of the standard model.
  const Scenario s = talks();
  const Negotiation standard(s), toy(s, with_fatigue());
  Draw a, b;
  standard.draw(s.seed, 0, 7, a);
  toy.draw(s.seed, 0, 7, b);
  ASSERT_EQ(b.values.size(), a.values.size() + 1);
  for (std::size_t p = 0; p < a.values.size(); ++p) {
    EXPECT_EQ(a.values[p], b.values[toy.param(standard.param_name(p))]) << standard.param_name(p);
  }
  int same = 0;
  for (std::uint64_t r = 0; r < 300; ++r) {
    const RunResult x = standard.run(s.seed, 0, r), y = toy.run(s.seed, 0, r);
    if (y.cause == toy.catalog().cause("fatigue")) continue;
    EXPECT_EQ(x.outcome, y.outcome) << r;
    EXPECT_EQ(x.round, y.round) << r;
    EXPECT_EQ(x.terms, y.terms) << r;
    EXPECT_EQ(x.utility, y.utility) << r;
    ++same;
  }
  EXPECT_GT(same, 50);
}

TEST(Mechanism, ItsFieldsReachTheTracesAndItsNamesTheSummary) {
  const Scenario s = talks();
  const Negotiation negotiation(s, with_fatigue());
  const TracedRun t = trace_run(negotiation, s.seed, 2);
  std::ostringstream text, json;
  write_trace_text(text, t);
  write_trace_json(json, t);
  EXPECT_NE(text.str().find("fatigue hazard 0."), std::string::npos);
  EXPECT_NE(text.str().find("the talks: "), std::string::npos);
  EXPECT_NE(text.str().find("mechanisms.fatigue.rate "), std::string::npos);
  const auto j = nlohmann::json::parse(json.str());
  EXPECT_TRUE(j["rounds"][0]["fatigue_hazard"].is_number());
  EXPECT_TRUE(j["draws"]["talks"]["mechanisms.fatigue.rate"].is_number());

  EngineOptions options;
  options.seed = s.seed;
  options.runs = 400;
  const Tally tally = simulate(negotiation, options).tally;
  const auto summary = nlohmann::json::parse(summary_json(negotiation, tally, Provenance{}));
  EXPECT_EQ(summary["breakdown_causes"]["fatigue"]["count"],
            tally.causes[negotiation.catalog().cause("fatigue")]);
  EXPECT_EQ(summary["events"]["exhaustion"]["total"],
            summary["breakdown_causes"]["fatigue"]["count"]);
  EXPECT_NE(runs_csv_header(negotiation).find(",mechanisms.fatigue.rate,"), std::string::npos);
}

TEST(Mechanism, StartsAfterTheMechanismsBeforeIt) {
  // The toy's start() sees the agents' normalised saliences.
  Fatigue* toy = nullptr;
  const Scenario s = talks();
  const Negotiation negotiation(s, with_fatigue(&toy));
  negotiation.run(s.seed, 0, 0);
  ASSERT_EQ(toy->salience_totals.size(), negotiation.principals().size());
  for (double total : toy->salience_totals) EXPECT_NEAR(total, 1.0, 1e-12);
}

TEST(Mechanism, ItsFieldsAreReadCheckedAndWrittenLikeAnyOther) {
  // Given, checked at their place, defaulted, written back, read again.
  const Scenario s =
      talks("mechanisms: {fatigue: {rate: 0.3}}\n", {"agents.west.stamina={resistance: 0.5}"});
  EXPECT_EQ(*s.extension(-1, "fatigue", "rate"), Param(0.3));
  EXPECT_EQ(*s.extension(static_cast<int>(*s.agent_index("west")), "stamina", "resistance"),
            Param(0.5));
  EXPECT_EQ(s.extension(static_cast<int>(*s.agent_index("east")), "stamina", "resistance"),
            nullptr);
  LoadOptions options;
  options.extensions = extensions_of(entries());
  EXPECT_EQ(load_scenario_text(to_yaml(s), "resolved.yaml", options), s);
  EXPECT_NE(to_yaml(s).find("mechanisms:"), std::string::npos);
  // Left out, a block of the talks takes its defaults.
  EXPECT_EQ(*talks("").extension(-1, "fatigue", "rate"), Param(0.1));

  auto problems = [&](const std::string& fields, std::vector<std::string> sets = {}) {
    try {
      talks(fields, std::move(sets));
    } catch (const ScenarioError& e) {
      std::vector<std::string> out;
      for (const auto& d : e.diagnostics()) out.push_back(d.str());
      return out;
    }
    return std::vector<std::string>{};
  };
  const auto range = problems("mechanisms: {fatigue: {rate: 2}}\n");
  ASSERT_EQ(range.size(), 1u);
  EXPECT_NE(range[0].find("mechanisms.fatigue.rate: out of range (got 2, expected a number in "
                          "[0, 1])"),
            std::string::npos)
      << range[0];
  EXPECT_EQ(range[0].rfind("talks.yaml:", 0), 0u) << "located in the file";
  const auto typo = problems("mechanisms: {fatige: {rate: 0.2}}\n");
  ASSERT_EQ(typo.size(), 1u);
  EXPECT_NE(typo[0].find("mechanisms.fatige: unknown mechanism block (did you mean \"fatigue\"?)"),
            std::string::npos)
      << typo[0];
  const auto role = problems("", {"agents.hawk.stamina={resistance: 0.5}"});
  ASSERT_EQ(role.size(), 1u);
  EXPECT_NE(
      role[0].find("agents.hawk.stamina: not used by a spoiler (applies to principal agents)"),
      std::string::npos)
      << role[0];
  // The standard build knows only its own blocks of the talks.
  std::ifstream in(test::kDataDir + "/good/talks.yaml");
  std::stringstream text;
  text << in.rdbuf() << "mechanisms: {fatigue: {rate: 0.2}}\n";
  try {
    load_scenario_text(text.str(), "talks.yaml");
    ADD_FAILURE() << "the standard build read a field no mechanism of it declares";
  } catch (const ScenarioError& e) {
    EXPECT_NE(
        std::string(e.what()).find("mechanisms.fatigue: unknown mechanism block (got "
                                   "\"fatigue\", expected one of voting, implementation or trust)"),
        std::string::npos)
        << e.what();
  }
}

TEST(Mechanism, FieldsMayBeWordsPrincipalsAndRoundsUpToTheHorizon) {
  // A block with every kind of field: a choice, a principal, a number of
  // rounds bounded by the horizon, one that may be absent, a shorthand, and
  // present on every principal even when the file leaves it out.
  ExtensionBlock b;
  b.name = "pact";
  b.roles = {Role::principal};
  b.shorthand = "weight";
  b.always = true;
  b.fields = {ExtensionField::number("weight", 0, 1, 0.5, "a share"),
              ExtensionField::choice("mode", {"soft", "hard"}, "soft or hard"),
              ExtensionField::rounds("by", 1, -1, 5, "a round before the horizon"),
              ExtensionField::principal("ally", "a principal").or_absent()};
  auto load = [&](std::vector<std::string> sets) {
    LoadOptions options;
    options.extensions = standard_extensions();
    options.extensions->push_back(b);
    for (const auto& x : sets) options.overrides.push_back(parse_override(x));
    return load_scenario(test::kDataDir + "/good/talks.yaml", options);
  };
  auto problems = [&](std::vector<std::string> sets) {
    return test::problems_of([&] { load(std::move(sets)); });
  };
  const Scenario s = load({"agents.west.pact={mode: hard, by: 29, ally: east}",
                           "agents.east.pact={uniform: [0.2, 0.4]}"});
  const int west = static_cast<int>(*s.agent_index("west"));
  const int east = static_cast<int>(*s.agent_index("east"));
  EXPECT_EQ(s.extension_value(west, "pact", "mode")->word, "hard");
  EXPECT_EQ(*s.extension(west, "pact", "by"), Param(29));
  EXPECT_EQ(s.extension_value(west, "pact", "ally")->agent.index, static_cast<std::size_t>(east));
  EXPECT_EQ(*s.extension(west, "pact", "weight"), Param(0.5));
  EXPECT_EQ(*s.extension(east, "pact", "weight"), Param::of(Uniform{0.2, 0.4}));
  EXPECT_EQ(s.extension_value(east, "pact", "mode")->word, "soft");
  EXPECT_EQ(s.extension_value(east, "pact", "ally"), nullptr);
  EXPECT_EQ(s.extension(static_cast<int>(*s.agent_index("hawk")), "pact", "weight"), nullptr);
  LoadOptions options;
  options.extensions = standard_extensions();
  options.extensions->push_back(b);
  EXPECT_EQ(load_scenario_text(to_yaml(s), "resolved.yaml", options), s);
  // Left out entirely, the block is there with its defaults.
  EXPECT_EQ(*load({}).extension(west, "pact", "by"), Param(5));

  EXPECT_EQ(problems({"agents.west.pact={mode: hrad}"}),
            std::vector<std::string>{
                "agents.west.pact.mode: unknown choice (got \"hrad\", did you mean \"hard\"?)"});
  EXPECT_EQ(problems({"agents.west.pact={by: 30}"}),
            std::vector<std::string>{"agents.west.pact.by: out of range (got 30, expected a "
                                     "whole number in [1, 29])"});
  EXPECT_EQ(problems({"agents.west.pact={ally: hawk}"}),
            std::vector<std::string>{"agents.west.pact.ally: not a principal (got \"hawk\", "
                                     "whose role is spoiler)"});
  EXPECT_EQ(problems({"agents.west.pact={ally: west}"}),
            std::vector<std::string>{
                "agents.west.pact.ally: an agent cannot refer to itself (got \"west\")"});
  EXPECT_EQ(problems({"agents.west.pact=lots"}),
            std::vector<std::string>{
                "agents.west.pact: wrong type (got lots, expected a number in [0, 1])"});
}

TEST(Mechanism, ALoneNumberOverABlockSetsItsShorthandAndKeepsTheRest) {
  // `--set agents.west.concession=0.2`, or `concession: 0.2` in a variant,
  // over a block given as a mapping changes the rate and keeps the tactic;
  // the block once reverted to geometric with every default.
  const std::string base = R"(negsim: 1
name: base
rounds: {unit: week, horizon: 10}
issues:
  x: {unit: u, range: [0, 1]}
agents:
  a:
    role: principal
    ideal: {x: 0}
    salience: {x: 1}
    concession: {tactic: imitative, rate: 0.1, start: 0.6}
  b: {role: principal, ideal: {x: 1}, salience: {x: 1}, concession: 0.05}
)";
  auto check = [](const Scenario& s, const Param& rate) {
    EXPECT_EQ(s.extension_value(0, "concession", "tactic")->word, "imitative");
    EXPECT_EQ(*s.extension(0, "concession", "start"), Param(0.6));
    EXPECT_EQ(*s.extension(0, "concession", "rate"), rate);
  };
  LoadOptions options;
  options.overrides = {parse_override("agents.a.concession=0.2")};
  check(load_scenario_text(base, "base.yaml", options), Param(0.2));
  options.overrides = {parse_override("agents.a.concession={uniform: [0.1, 0.3]}")};
  check(load_scenario_text(base, "base.yaml", options), Param::of(Uniform{0.1, 0.3}));
  // The same in a variant file.
  const auto dir = std::filesystem::temp_directory_path() / "negsim-shorthand-variant";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "base.yaml") << base;
  std::ofstream(dir / "variant.yaml") << "negsim: 1\nbase: base.yaml\nname: variant\n"
                                         "agents:\n  a:\n    concession: 0.25\n";
  check(load_scenario((dir / "variant.yaml").string()), Param(0.25));
  // A mapping still merges key by key, and a block given as a number is
  // replaced as before.
  options.overrides = {parse_override("agents.b.concession=0.3")};
  EXPECT_EQ(*load_scenario_text(base, "base.yaml", options).extension(1, "concession", "rate"),
            Param(0.3));
}

TEST(Mechanism, ABlockWithAShorthandCannotNameAFieldAfterADistribution) {
  // `pact: {beta: {a: 2, b: 5}}` would read as a distribution of the
  // shorthand, never as the field: the loader refuses the declaration.
  ExtensionBlock b;
  b.name = "pact";
  b.roles = {Role::principal};
  b.shorthand = "weight";
  b.fields = {ExtensionField::number("weight", 0, 1, 0.5, "a share"),
              ExtensionField::number("beta", 0, 1, 0.5, "a shape")};
  LoadOptions options;
  options.extensions = standard_extensions();
  options.extensions->push_back(b);
  try {
    load_scenario(test::kDataDir + "/good/talks.yaml", options);
    FAIL() << "a field named after a distribution kind was accepted";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("\"pact\" has a shorthand and a field named \"beta\""),
              std::string::npos)
        << e.what();
  }
  b.shorthand.clear();  // without a shorthand, nothing is ambiguous
  options.extensions->back() = b;
  EXPECT_NO_THROW(load_scenario(test::kDataDir + "/good/talks.yaml", options));
}

TEST(Mechanism, StaminaLowersTheFatigueBreakdowns) {
  // A wrong version (resistance ignored, or raising the hazard) fails this.
  auto fatigue = [](const Scenario& s) {
    const Negotiation negotiation(s, with_fatigue());
    int n = 0;
    for (std::uint64_t r = 0; r < 600; ++r) {
      n += negotiation.run(s.seed, 0, r).cause == negotiation.catalog().cause("fatigue");
    }
    return n;
  };
  const int weak = fatigue(talks());
  const int strong = fatigue(talks("mechanisms: {fatigue: {rate: {uniform: [0.05, 0.4]}}}\n",
                                   {"agents.west.stamina={resistance: 0.8}"}));
  EXPECT_LT(strong, weak / 2) << weak << " vs " << strong;
}

TEST(Mechanism, NamesAndStreamsAreNotShared) {
  const Scenario s = talks();
  auto twice = with_fatigue();
  twice.push_back(std::make_unique<Fatigue>());
  EXPECT_THROW(Negotiation(s, std::move(twice)), std::logic_error);
}

TEST(Mechanism, WalkoutsAreCountedUnderTheCauseTheyBring) {
  // Every breakdown event names the cause it brings, so the events table and
  // the causes table agree (a snapback walk-out is its own event, counted
  // under the snapback cause; a walk-out at the reservation under walkout).
  const Scenario s = load_scenario(test::kSourceDir + "/scenarios/snapback.yaml");
  const Negotiation negotiation(s);
  EngineOptions options;
  options.seed = s.seed;
  options.runs = 3000;
  const Tally t = simulate(negotiation, options).tally;
  const Catalog& c = negotiation.catalog();
  for (std::size_t e = 0; e < c.events.size(); ++e) {
    if (c.events[e].ends == kNoCause) continue;
    EXPECT_EQ(t.events[e], t.causes[c.events[e].ends]) << c.events[e].name;
  }
  EXPECT_GT(t.causes[c.cause("snapback")], 0u);
}

}  // namespace
}  // namespace negsim::model
