// The hot pieces of a negotiation round, each on its own, on the shipped
// default scenario at the start of round 1 of its run 0 (the state the
// engine's first round works on): the mediator's texts (the exact Nash
// solve of two principals; the Newton solve of three, cold and warm;
// compromise), valuing a text, drawing a run's parameters, and the
// random numbers under them. bench/README.md says how each figure was taken.
//
//   cmake --build --preset release && ./build/release/bench/negsim_bench --benchmark_filter=Piece
#include <benchmark/benchmark.h>

#include <vector>

#include "negsim/mechanism.hpp"
#include "negsim/model.hpp"
#include "negsim/model_text.hpp"
#include "negsim/rng.hpp"
#include "negsim/scenario_yaml.hpp"

namespace {

const std::string kDefault = std::string(NEGSIM_SOURCE_DIR) + "/scenarios/muscat-2025.yaml";

/// The default scenario's first round: its talks, voices and parties as
/// Drafting builds them (capability weights, reservations as claims).
struct FirstRound {
  negsim::Scenario scenario = negsim::load_scenario(kDefault);
  negsim::model::Negotiation negotiation{scenario};
  negsim::model::Talks talks;
  std::vector<negsim::model::Voice> voices;
  std::vector<negsim::model::Party> parties;

  FirstRound() {
    negsim::model::Draw draw;
    negotiation.draw(scenario.seed, 0, 0, draw);
    negsim::model::RunStreams streams(negotiation, scenario.seed, 0, 0);
    negotiation.opening(draw, streams, talks);
    double total = 0;
    for (std::size_t i : negotiation.principals()) total += talks.capability[i];
    for (std::size_t a = 0; a < talks.n_agents; ++a) {
      if (scenario.agents[a].role == negsim::Role::mediator) continue;
      voices.push_back({&talks.position[a], &talks.salience[a], talks.capability[a]});
    }
    for (std::size_t i : negotiation.principals()) {
      parties.push_back({talks.prefs(i), talks.capability[i] / total, talks.reservation[i]});
    }
  }
};

const FirstRound& first_round() {
  static const FirstRound r;
  return r;
}

void BM_PieceCompromiseText(benchmark::State& state) {
  const FirstRound& r = first_round();
  for (auto _ : state) {
    negsim::model::IssueVec x = negsim::model::compromise_text(r.voices, r.talks.full);
    benchmark::DoNotOptimize(x);
  }
}
BENCHMARK(BM_PieceCompromiseText)->Unit(benchmark::kNanosecond);

/// The default's two principals, linear losses: the exact solve (docs/MODEL.md
/// §3.3), what every Nash text of the default costs.
void BM_PieceNashTextExact(benchmark::State& state) {
  const FirstRound& r = first_round();
  const negsim::model::IssueVec start = negsim::model::compromise_text(r.voices, r.talks.full);
  for (auto _ : state) {
    const auto result = negsim::model::nash_text(r.parties, r.talks.full, start);
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BM_PieceNashTextExact)->Unit(benchmark::kNanosecond);

/// Three principals (the E3 joins the US and Iran, weights by capability):
/// the Newton ascent on the smoothed problem, which every case with more
/// than two principals, or a risk exponent other than 1, uses.
const std::vector<negsim::model::Party>& three_parties() {
  static const std::vector<negsim::model::Party> parties = [] {
    const FirstRound& r = first_round();
    const std::size_t e3 = *r.scenario.agent_index("e3");
    std::vector<negsim::model::Party> p = r.parties;
    double total = 0;
    for (std::size_t i : r.negotiation.principals()) total += r.talks.capability[i];
    total += r.talks.capability[e3];
    std::size_t j = 0;
    for (std::size_t i : r.negotiation.principals()) p[j++].weight = r.talks.capability[i] / total;
    p.push_back({r.talks.prefs(e3), r.talks.capability[e3] / total, 0.0});
    return p;
  }();
  return parties;
}

/// From the compromise text, as in a run's first round.
void BM_PieceNashTextNewtonCold(benchmark::State& state) {
  const FirstRound& r = first_round();
  const negsim::model::IssueVec start = negsim::model::compromise_text(r.voices, r.talks.full);
  int iterations = 0;
  for (auto _ : state) {
    const auto result = negsim::model::nash_text(three_parties(), r.talks.full, start);
    iterations = result.iterations;
    benchmark::DoNotOptimize(result);
  }
  state.counters["newton_iterations"] = iterations;
}
BENCHMARK(BM_PieceNashTextNewtonCold)->Unit(benchmark::kNanosecond);

/// From last round's text when nothing has moved since: the least a later
/// round's Newton solve can cost (it confirms the optimum).
void BM_PieceNashTextNewtonWarm(benchmark::State& state) {
  const FirstRound& r = first_round();
  const negsim::model::IssueVec start = negsim::model::compromise_text(r.voices, r.talks.full);
  const negsim::model::IssueVec solved =
      negsim::model::nash_text(three_parties(), r.talks.full, start).text;
  int iterations = 0;
  for (auto _ : state) {
    const auto result = negsim::model::nash_text(three_parties(), r.talks.full, start, &solved);
    iterations = result.iterations;
    benchmark::DoNotOptimize(result);
  }
  state.counters["newton_iterations"] = iterations;
}
BENCHMARK(BM_PieceNashTextNewtonWarm)->Unit(benchmark::kNanosecond);

/// Every principal's perceived value of the compromise text (docs/MODEL.md
/// §1): what acceptance and the mediator's formulation compute most often.
void BM_PieceEvaluateText(benchmark::State& state) {
  const FirstRound& r = first_round();
  const negsim::model::IssueVec x = negsim::model::compromise_text(r.voices, r.talks.full);
  const auto& sq = r.negotiation.status_quo();
  for (auto _ : state) {
    double total = 0;
    for (std::size_t i : r.negotiation.principals()) {
      total += negsim::model::perceived_value(r.talks.prefs(i), r.talks.trust[i], x, sq,
                                              r.talks.n_issues);
    }
    benchmark::DoNotOptimize(total);
  }
  state.counters["principals"] = static_cast<double>(r.negotiation.principals().size());
}
BENCHMARK(BM_PieceEvaluateText)->Unit(benchmark::kNanosecond);

/// One run's parameters from their distributions.
void BM_PieceDrawRun(benchmark::State& state) {
  const FirstRound& r = first_round();
  negsim::model::Draw draw;
  std::uint64_t run = 0;
  for (auto _ : state) {
    r.negotiation.draw(r.scenario.seed, 0, run++, draw);
    benchmark::DoNotOptimize(draw);
  }
}
BENCHMARK(BM_PieceDrawRun)->Unit(benchmark::kNanosecond);

/// A run's random streams, opened (the counter-based generators' keys).
void BM_PieceOpenStreams(benchmark::State& state) {
  const FirstRound& r = first_round();
  std::uint64_t run = 0;
  for (auto _ : state) {
    negsim::model::RunStreams streams(r.negotiation, r.scenario.seed, 0, run++);
    benchmark::DoNotOptimize(streams);
  }
}
BENCHMARK(BM_PieceOpenStreams)->Unit(benchmark::kNanosecond);

void BM_PieceUniform(benchmark::State& state) {
  negsim::Rng rng(1, 0, 0, negsim::Purpose::params);
  for (auto _ : state) benchmark::DoNotOptimize(rng.uniform());
}
BENCHMARK(BM_PieceUniform)->Unit(benchmark::kNanosecond);

void BM_PieceNormalQuantile(benchmark::State& state) {
  negsim::Rng rng(1, 0, 0, negsim::Purpose::params);
  for (auto _ : state) benchmark::DoNotOptimize(negsim::normal_quantile(rng.uniform()));
}
BENCHMARK(BM_PieceNormalQuantile)->Unit(benchmark::kNanosecond);

}  // namespace
