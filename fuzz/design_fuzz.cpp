// libFuzzer target: sweep design files; a small valid design is generated.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "negsim/sweep.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (text.find("file:") != std::string::npos) return 0;  // no reading of other files
  try {
    const negsim::DesignSpec spec = negsim::load_design_text(text, "design.yaml");
    double points = 1;
    for (const auto& p : spec.parameters) {
      points *= p.values.empty() ? std::max(1, p.steps) : static_cast<double>(p.values.size());
    }
    const auto k = static_cast<double>(spec.parameters.size());
    if (points * (k + 2) * std::max(1, spec.points) < 20000) {
      const negsim::Design d = negsim::generate(spec);
      for (const auto& row : d.points) {
        if (row.size() != spec.parameters.size()) __builtin_trap();
      }
    }
  } catch (const negsim::ScenarioError&) {
  }
  return 0;
}
