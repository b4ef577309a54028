// libFuzzer target: `--set` arguments (the first line of the input) applied
// to a small valid scenario.
#include <cstddef>
#include <cstdint>
#include <string>

#include "negsim/scenario_yaml.hpp"

namespace {
const char* kScenario = R"(negsim: 1
name: fuzz
issues:
  x: {unit: u, range: [0, 10], status_quo: 5}
  y: {unit: v, range: [-1, 1]}
agents:
  a: {role: principal, ideal: {x: 0, y: 1}, salience: {x: 1, y: 1}, red_lines: {x: {max: 8}}}
  b: {role: principal, ideal: {x: 10, y: -1}, salience: {x: 2, y: 1}}
  s: {role: spoiler, ideal: {x: 0}, salience: {x: 1}, influence: {a: 0.2}, strike: {base: 0.1}}
deals:
  interim: {issues: [x]}
)";
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  negsim::LoadOptions options;
  std::size_t start = 0;
  while (start <= text.size() && options.overrides.size() < 4) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    try {
      options.overrides.push_back(negsim::parse_override(text.substr(start, end - start)));
    } catch (const negsim::UsageError&) {
    }
    start = end + 1;
  }
  try {
    (void)negsim::load_scenario_text(kScenario, "fuzz.yaml", options);
  } catch (const negsim::ScenarioError&) {
  }
  return 0;
}
