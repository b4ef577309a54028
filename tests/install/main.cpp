// Loads a scenario, simulates it with negsim's engine and prints the
// outcome counts: what a program using the installed library does.
#include <iostream>
#include <negsim/engine.hpp>
#include <negsim/scenario_yaml.hpp>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: consumer SCENARIO\n";
    return 2;
  }
  const negsim::Scenario scenario = negsim::load_scenario(argv[1]);
  const negsim::model::Negotiation negotiation(scenario);
  negsim::EngineOptions options;
  options.seed = scenario.seed;
  options.runs = 1000;
  const negsim::Tally tally = negsim::simulate(negotiation, options).tally;
  for (std::size_t o = 0; o < negsim::model::kOutcomes; ++o) {
    std::cout << negsim::model::kOutcomeNames[o] << " " << tally.outcomes[o] << "\n";
  }
  return tally.runs == 1000 ? 0 : 1;
}
