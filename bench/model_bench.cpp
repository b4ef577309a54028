// One negotiation of the shipped default scenario: the unit of work of every
// Monte Carlo run and sweep. Reports the time per run and per round.
//
//   cmake --build --preset release && ./build/release/bench/negsim_bench --benchmark_filter=Run
#include <benchmark/benchmark.h>

#include "negsim/model.hpp"
#include "negsim/scenario_yaml.hpp"

namespace {

const std::string kDefault = std::string(NEGSIM_SOURCE_DIR) + "/scenarios/muscat-2025.yaml";

void run_benchmark(benchmark::State& state, const char* rule) {
  negsim::LoadOptions options;
  options.overrides.push_back(negsim::parse_override(std::string("protocol.rule=") + rule));
  const negsim::Scenario s = negsim::load_scenario(kDefault, options);
  const negsim::model::Negotiation negotiation(s);
  negsim::model::Draw draw;
  std::uint64_t run = 0;
  double rounds = 0;
  for (auto _ : state) {
    negotiation.draw(s.seed, 0, run, draw);
    negsim::model::RunStreams streams(negotiation, s.seed, 0, run);
    const auto result = negotiation.play(draw, streams);
    rounds += result.round;
    ++run;
    benchmark::DoNotOptimize(result);
  }
  // Seconds per round (kIsRate | kInvert): shown in the ns/round column.
  state.counters["per_round"] =
      benchmark::Counter(rounds, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["rounds_per_run"] = rounds / static_cast<double>(run);
}

void BM_RunDefaultScenarioNash(benchmark::State& state) { run_benchmark(state, "nash"); }
void BM_RunDefaultScenarioCompromise(benchmark::State& state) {
  run_benchmark(state, "compromise");
}
BENCHMARK(BM_RunDefaultScenarioNash)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RunDefaultScenarioCompromise)->Unit(benchmark::kMicrosecond);

}  // namespace
