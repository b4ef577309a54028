// Mediators beyond drafting (docs/MODEL.md §2, §3.6, §3.7, §3.9): several
// mediators, whose skills and biases combine; guarantees that raise each
// principal's belief in the others' compliance exactly as the
// perceived-value equation says; leverage that adds to a principal's value
// of any deal. Each test compares two runs that must agree (or differ by
// exactly the amount the equations give), so a wrong combination fails.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "negsim/mechanism.hpp"
#include "negsim/scenario_yaml.hpp"
#include "test_util.hpp"

namespace negsim::model {
namespace {

const std::string kTalks = test::kDataDir + "/good/talks.yaml";

struct Traced {
  Negotiation negotiation;
  Trace trace;
  RunResult result;
  explicit Traced(std::vector<std::string> sets, bool mediator = true)
      : negotiation(load(std::move(sets), mediator)) {
    result = negotiation.run(negotiation.scenario().seed, 0, 0, &trace);
  }
  static Scenario load(std::vector<std::string> sets, bool mediator) {
    std::ifstream in(kTalks);
    std::stringstream text;
    text << in.rdbuf();
    std::string yaml = text.str();
    if (!mediator) {
      const std::string line = "  broker: {role: mediator, skill: 0.8}\n";
      yaml.erase(yaml.find(line), line.size());
    }
    LoadOptions options;
    // Fixed trust and no strikes, so that the runs compared differ only in
    // what each test varies.
    std::vector<std::string> all{"agents.hawk.strike.base=0", "protocol.trust_gain=0"};
    all.insert(all.end(), sets.begin(), sets.end());
    for (const auto& s : all) options.overrides.push_back(parse_override(s));
    return load_scenario_text(yaml, "talks.yaml", options);
  }
  double at(int round, const char* field, const char* agent) const {
    return traced(trace.rounds.at(static_cast<std::size_t>(round - 1)),
                  negotiation.catalog().field(field),
                  static_cast<int>(*negotiation.scenario().agent_index(agent)));
  }
  double text(int round, std::size_t issue) const {
    return traced(trace.rounds.at(static_cast<std::size_t>(round - 1)),
                  negotiation.catalog().field("full_text"), -1, static_cast<int>(issue));
  }
};

TEST(Mediation, AGuaranteeRaisesTrustAsThePerceivedValueEquationSays) {
  // tau' = 1 - (1 - tau)(1 - G): trust 0.2 with a guarantee of 0.5 is
  // trust 0.6 without one, in every perceived value.
  const Traced guaranteed(
      {"agents.west.trust=0.2", "agents.east.trust=0.2", "agents.broker.guarantee=0.5"});
  const Traced plain({"agents.west.trust=0.6", "agents.east.trust=0.6"});
  EXPECT_NEAR(guaranteed.at(1, "guaranteed_trust", "west"), 0.6, 1e-12);
  EXPECT_EQ(guaranteed.at(1, "trust", "west"), 0.2);
  for (const char* who : {"west", "east"}) {
    EXPECT_NEAR(guaranteed.at(1, "value_full", who), plain.at(1, "value_full", who), 1e-12);
    EXPECT_NEAR(guaranteed.at(1, "value_interim", who), plain.at(1, "value_interim", who), 1e-12);
  }
  // Two guarantors of 0.5 remove three quarters of the distrust.
  const Traced two({"agents.west.trust=0", "agents.east.trust=0", "agents.broker.guarantee=0.5",
                    "agents.second={role: mediator, skill: 0, guarantee: 0.5}"});
  EXPECT_NEAR(two.at(1, "guaranteed_trust", "east"), 0.75, 1e-12);
}

TEST(Mediation, TheMediatorReadsAcceptanceWithItsOwnGuarantee) {
  // A mediator knows what it guarantees: its formulation (docs/MODEL.md
  // §3.11) reads each principal's acceptance by the value the principal
  // decides by (§3.9). A guarantee of 1 makes trust 0.2 count as trust 1,
  // so with aspirations held still (no concession, which trust would pace)
  // and no breach of an interim deal (whose hazard reads the principals'
  // own trust), the guaranteed talks and the fully trusting ones are the
  // same talks: the same texts every round, the same outcome. A mediator
  // that read acceptance at the principals' own trust would see refusals
  // that are not there and move its texts.
  // (Aspirations at 0.6 of the way from the reservation: in round 1 west
  // accepts the fair text and east does not, so the mediator has a refuser
  // to move toward and an acceptor to keep.)
  const std::vector<std::string> still{"agents.west.concession={rate: 0, start: 0.6}",
                                       "agents.east.concession={rate: 0, start: 0.6}",
                                       "mechanisms.implementation.breach=0"};
  auto with = [&](std::vector<std::string> more) {
    more.insert(more.end(), still.begin(), still.end());
    return more;
  };
  const Traced guaranteed(
      with({"agents.west.trust=0.2", "agents.east.trust=0.2", "agents.broker.guarantee=1"}));
  const Traced trusting(with({"agents.west.trust=1", "agents.east.trust=1"}));
  ASSERT_EQ(guaranteed.trace.rounds.size(), trusting.trace.rounds.size());
  for (int round = 1; round <= static_cast<int>(trusting.trace.rounds.size()); ++round) {
    for (std::size_t k = 0; k < 2; ++k) {
      EXPECT_NEAR(guaranteed.text(round, k), trusting.text(round, k), 1e-12) << "round " << round;
    }
  }
  EXPECT_EQ(trusting.at(1, "accepts_full", "west"), 1);
  EXPECT_EQ(trusting.at(1, "accepts_full", "east"), 0);
  EXPECT_EQ(guaranteed.result.outcome, trusting.result.outcome);
  EXPECT_EQ(guaranteed.result.round, trusting.result.round);
}

TEST(Mediation, LeverageAddsItsAmountToTheValueOfAnyDeal) {
  const Traced with({"agents.broker.leverage={east: 0.15}"});
  const Traced without({});
  EXPECT_NEAR(with.at(1, "value_full", "east") - without.at(1, "value_full", "east"), 0.15, 1e-12);
  EXPECT_NEAR(with.at(1, "value_interim", "east") - without.at(1, "value_interim", "east"), 0.15,
              1e-12);
  EXPECT_EQ(with.at(1, "value_full", "west"), without.at(1, "value_full", "west"));
  EXPECT_NEAR(with.at(1, "leverage", "east"), 0.15, 1e-12);
}

TEST(Mediation, SeveralMediatorsCombineSkillsAndBiases) {
  // Drafting error sd = text_noise * prod(1 - skill): two mediators of 0.5
  // err as one of 0.75, draw for draw.
  const Traced two({"agents.broker.skill=0.5", "agents.second={role: mediator, skill: 0.5}"});
  const Traced one({"agents.broker.skill=0.75"});
  // Biases multiply: 1.2 x 1.25 = 1.5. (The weights move a two-party text
  // only where it splits an issue, docs/MODEL.md §3.3: equal saliences give
  // the principals an issue to split.)
  const std::string even_west = "agents.west.salience={nuclear: 0.5, relief: 0.5}";
  const std::string even_east = "agents.east.salience={nuclear: 0.5, relief: 0.5}";
  const Traced biased_two(
      {even_west, even_east, "agents.broker.skill=0.75",
       "agents.broker.bias={toward: west, amount: 0.2}",
       "agents.second={role: mediator, skill: 0, bias: {toward: west, amount: 0.25}}"});
  const Traced biased_one({even_west, even_east, "agents.broker.skill=0.75",
                           "agents.broker.bias={toward: west, amount: 0.5}"});
  const Traced unbiased({even_west, even_east, "agents.broker.skill=0.75"});
  for (int round = 1; round <= 3; ++round) {
    for (std::size_t k = 0; k < 2; ++k) {
      EXPECT_NEAR(two.text(round, k), one.text(round, k), 1e-9) << "round " << round;
      EXPECT_NEAR(biased_two.text(round, k), biased_one.text(round, k), 1e-9) << "round " << round;
    }
  }
  // And the bias moves the texts (the comparison above is not vacuous).
  bool moved = false;
  for (int round = 1; round <= 3; ++round) {
    for (std::size_t k = 0; k < 2; ++k)
      moved |= biased_one.text(round, k) != unbiased.text(round, k);
  }
  EXPECT_TRUE(moved);
}

}  // namespace
}  // namespace negsim::model

namespace negsim::model {
namespace {

TEST(DirectBargaining, AMediatorOfZeroSkillErrsAsThePartiesAlone) {
  // The documented respect in which a mediator of skill 0 with no guarantee
  // and no leverage matches direct bargaining (docs/MODEL.md §3.7, §3.10,
  // protocol.text_noise): both write their texts with the full drafting
  // error sigma_N, where a mediator of skill s errs by (1 - s) sigma_N.
  // Constructed so that the clean text is known: the principals want the
  // same terms, so the fair text, every offer and every move toward a
  // refuser are that point, and round 1's full text minus it is the error.
  // The sample standard deviation over 4,000 runs x 2 issues is sigma_N to
  // within 3% (its standard error is under 1%).
  const double sigma = 0.04;
  auto error_sd = [&](const std::string& mediator) {
    const std::string yaml = R"(negsim: 1
name: shared terms
seed: 7
rounds: {unit: week, horizon: 4}
protocol: {text_noise: )" + std::to_string(sigma) +
                             R"(}
issues:
  a: {unit: "%", range: [0, 100], status_quo: 0}
  b: {unit: "%", range: [0, 100], status_quo: 0}
agents:
  west: {role: principal, reservation: 0.2, ideal: {a: 50, b: 50}, salience: {a: 0.5, b: 0.5}}
  east: {role: principal, reservation: 0.2, ideal: {a: 50, b: 50}, salience: {a: 0.5, b: 0.5}}
)" + mediator;
    const Negotiation negotiation(load_scenario_text(yaml, "shared.yaml", LoadOptions{}));
    const std::size_t field = negotiation.catalog().field("full_text");
    double sum = 0, sum2 = 0;
    int count = 0;
    for (std::uint64_t i = 0; i < 4000; ++i) {
      Trace trace;
      negotiation.run(negotiation.scenario().seed, 0, i, &trace);
      for (int k = 0; k < 2; ++k) {
        // The trace is in real units (0-100 here); the error in normalised ones.
        const double e = (traced(trace.rounds.at(0), field, -1, k) - 50) / 100;
        sum += e;
        sum2 += e * e;
        ++count;
      }
    }
    const double mean = sum / count;
    return std::sqrt(sum2 / count - mean * mean);
  };
  const double alone = error_sd("");
  const double zero = error_sd("  broker: {role: mediator, skill: 0}\n");
  const double half = error_sd("  broker: {role: mediator, skill: 0.5}\n");
  EXPECT_NEAR(alone / sigma, 1, 0.03);
  EXPECT_NEAR(zero / sigma, 1, 0.03);
  EXPECT_NEAR(half / sigma, 0.5, 0.03) << "skill must shrink the error (the test is not vacuous)";
}

TEST(DirectBargaining, WithoutAMediatorThePrincipalsTakeTurnsOfferingJustEnough) {
  // No mediator, no drafting error, full trust (so a proposer accepts its
  // own position): round r's proposer is the principals'
  // (r - 1) mod 2, and its offer gives the responder exactly the aspiration
  // it needs (or stops where the proposer's own aspiration does).
  const Traced t({"protocol.text_noise=0", "agents.west.trust=1", "agents.east.trust=1"}, false);
  ASSERT_TRUE(t.negotiation.scenario().agents.size() == 4);
  const char* names[] = {"west", "east"};
  const int rounds = static_cast<int>(t.trace.rounds.size());
  ASSERT_GT(rounds, 2);
  for (int r = 1; r <= rounds; ++r) {
    const int p = (r - 1) % 2, q = 1 - p;
    EXPECT_EQ(t.at(r, "proposes", names[p]), 1) << "round " << r;
    EXPECT_EQ(t.at(r, "proposes", names[q]), 0) << "round " << r;
    const double vq = t.at(r, "value_full", names[q]), aq = t.at(r, "aspiration", names[q]);
    const double vp = t.at(r, "value_full", names[p]), ap = t.at(r, "aspiration", names[p]);
    // Either the responder gets just what it needs and the proposer keeps
    // at least its own aspiration, or the proposer went as far as it would.
    const bool just_enough = std::abs(vq - aq) < 1e-6 && vp >= ap - 1e-9;
    const bool as_far_as_it_would = std::abs(vp - ap) < 1e-6 && vq < aq;
    const bool its_own_position_suffices = vq >= aq && vp >= ap;
    EXPECT_TRUE(just_enough || as_far_as_it_would || its_own_position_suffices)
        << "round " << r << ": responder " << vq << " vs " << aq << ", proposer " << vp << " vs "
        << ap;
  }
  // The text rule is the mediator's: without one it does not matter.
  const Traced compromise({"protocol.text_noise=0", "agents.west.trust=1", "agents.east.trust=1",
                           "protocol.rule=compromise"},
                          false);
  EXPECT_EQ(compromise.result.outcome, t.result.outcome);
  EXPECT_EQ(compromise.result.round, t.result.round);
  EXPECT_EQ(compromise.result.terms, t.result.terms);
}

}  // namespace
}  // namespace negsim::model

namespace negsim::model {
namespace {

TEST(Mediation, MoreSkillNeverLowersTheDealRate) {
  // Metamorphic, on the default scenario with common random numbers: a
  // mediator that reads the parties better and drafts more precisely
  // (docs/MODEL.md §3.7, §3.11) never reaches fewer deals.
  auto deals = [](double skill) {
    LoadOptions options;
    options.overrides = {parse_override("agents.oman.skill=" + std::to_string(skill))};
    const Scenario s = load_scenario(test::kDefaultScenario, options);
    const Negotiation negotiation(s);
    int n = 0;
    for (std::uint64_t i = 0; i < 6000; ++i) {
      const Outcome o = negotiation.run(s.seed, 0, i).outcome;
      n += o == Outcome::full_deal || o == Outcome::interim_deal;
    }
    return n;
  };
  const int none = deals(0), half = deals(0.5), full = deals(1);
  EXPECT_LE(none, half);
  EXPECT_LE(half, full);
  EXPECT_LT(none, full) << "skill must matter";
}

}  // namespace
}  // namespace negsim::model
