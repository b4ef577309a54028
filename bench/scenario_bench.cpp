// Cost of reading and validating scenarios: paid once per `negsim run` and once
// per design point in a sweep that varies the scenario, so it must stay small
// next to the simulation itself.
//
//   cmake --build --preset release && ./build/release/bench/negsim_bench
#include <benchmark/benchmark.h>

#include "negsim/scenario_yaml.hpp"

namespace {

const std::string kDefault = std::string(NEGSIM_SOURCE_DIR) + "/scenarios/muscat-2025.yaml";

void BM_LoadDefaultScenario(benchmark::State& state) {
  for (auto _ : state) {
    negsim::Scenario s = negsim::load_scenario(kDefault);
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_LoadDefaultScenario)->Unit(benchmark::kMicrosecond);

void BM_LoadWithOverrides(benchmark::State& state) {
  negsim::LoadOptions options;
  options.overrides.push_back(negsim::parse_override("agents.us.trust={uniform: [0.2, 0.4]}"));
  options.overrides.push_back(negsim::parse_override("rounds.horizon=52"));
  for (auto _ : state) {
    negsim::Scenario s = negsim::load_scenario(kDefault, options);
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_LoadWithOverrides)->Unit(benchmark::kMicrosecond);

void BM_WriteResolvedYaml(benchmark::State& state) {
  const negsim::Scenario s = negsim::load_scenario(kDefault);
  for (auto _ : state) {
    std::string out = negsim::to_yaml(s);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_WriteResolvedYaml)->Unit(benchmark::kMicrosecond);

}  // namespace
