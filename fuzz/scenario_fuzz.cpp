// libFuzzer target: the scenario loader on arbitrary bytes. A valid result
// must write back to YAML that loads to the same scenario, and a short
// scenario must play one negotiation without trouble.
#include <cstddef>
#include <cstdint>
#include <string>

#include "negsim/model.hpp"
#include "negsim/scenario_yaml.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (text.find("base:") != std::string::npos) return 0;  // no reading of other files
  try {
    const negsim::Scenario s = negsim::load_scenario_text(text, "fuzz.yaml");
    const negsim::Scenario back = negsim::load_scenario_text(negsim::to_yaml(s), "resolved.yaml");
    if (!(back == s)) __builtin_trap();  // the resolved form must round-trip
    if (s.rounds.horizon <= 60) {
      const negsim::model::Negotiation negotiation(s);
      const auto r = negotiation.run(s.seed, 0, 0);
      if (r.round < 1 || r.round > s.rounds.horizon) __builtin_trap();
    }
  } catch (const negsim::ScenarioError&) {
  }
  return 0;
}
