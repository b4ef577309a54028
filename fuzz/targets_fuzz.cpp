// libFuzzer target: calibration targets files (negsim calibrate); a file
// that reads is also checked against a small scenario, as the command does.
#include <cstddef>
#include <cstdint>
#include <string>

#include "negsim/calibrate.hpp"
#include "negsim/scenario_yaml.hpp"

namespace {
const char* kScenario = R"(negsim: 1
name: fuzz
rounds: {unit: week, horizon: 10}
issues:
  x: {unit: u, range: [0, 1]}
agents:
  a: {role: principal, ideal: {x: 0}, salience: {x: 1}}
  b: {role: principal, ideal: {x: 1}, salience: {x: 1}}
  s: {role: spoiler, ideal: {x: 0.5}, salience: {x: 1}, strike: {base: 0.03}}
)";
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const negsim::Scenario scenario = negsim::load_scenario_text(kScenario, "fuzz.yaml");
  static const negsim::model::Negotiation negotiation(scenario);
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const negsim::CalibrationSpec spec = negsim::load_targets_text(text, "targets.yaml");
    if (spec.targets.empty() || spec.parameters.empty()) __builtin_trap();
    negsim::resolve(spec, negotiation);
  } catch (const negsim::ScenarioError& e) {
    if (e.diagnostics().empty()) __builtin_trap();  // an error always says what is wrong
  }
  return 0;
}
