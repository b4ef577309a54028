// Helpers shared by the test files.
#pragma once

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "negsim/cli.hpp"
#include "negsim/diagnostic.hpp"

namespace negsim::test {

inline const std::string kSourceDir = NEGSIM_SOURCE_DIR;
inline const std::string kDataDir = NEGSIM_TEST_DATA_DIR;
inline const std::string kDefaultScenario = kSourceDir + "/scenarios/muscat-2025.yaml";

/// The names (without extension) of the YAML files in a directory, sorted.
inline std::vector<std::string> yaml_stems(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".yaml") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

/// A GoogleTest-safe name for a parameter ("israel-strike" -> "israel_strike").
inline std::string test_name(std::string name) {
  for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
}

struct CliResult {
  int code;
  std::string out, err;
};

/// Runs the command line in-process, capturing both streams.
inline CliResult run_cli(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  const int code = cli::run(args, out, err);
  return {code, out.str(), err.str()};
}

/// The problems a load reports, each as "path: message" (empty when it
/// loads): what the scenario tests compare, without locations.
template <class Load>
std::vector<std::string> problems_of(Load&& load) {
  try {
    load();
  } catch (const ScenarioError& e) {
    std::vector<std::string> out;
    for (const auto& d : e.diagnostics()) out.push_back(d.path + ": " + d.message);
    return out;
  }
  return {};
}

/// A valid scenario that tests modify; kept small so each test reads alone.
inline const char* kMinimal = R"(negsim: 1
name: minimal
issues:
  enrichment: {unit: "% U-235", range: [0, 60], status_quo: 60}
  sanctions: {unit: "% lifted", range: [0, 100]}
agents:
  us:
    role: principal
    ideal: {enrichment: 0, sanctions: 20}
    salience: {enrichment: 0.7, sanctions: 0.3}
  iran:
    role: principal
    ideal: {enrichment: 60, sanctions: 100}
    salience: {enrichment: 0.4, sanctions: 0.6}
)";

}  // namespace negsim::test
