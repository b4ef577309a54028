// Reading, validating and writing scenario files.
//
// The loader parses a YAML file, applies command-line overrides, then checks
// the whole scenario, collecting every problem before it fails (SUMO's
// MSFrame habit): a user fixes a file in one pass, not one error per run.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "negsim/detail/yaml_tree.hpp"
#include "negsim/scenario.hpp"

namespace negsim {

/// One `--set path=value` override. The value is YAML, so a distribution can
/// be given inline: `--set 'agents.us.trust={uniform: [0.2, 0.4]}'`.
struct Override {
  std::string path;   ///< dotted path, e.g. "agents.us.trust" or "deals.interim.issues.0"
  std::string value;  ///< YAML text
  std::string text;   ///< the argument as given, for messages
  /// Set by a sweep design: a whole-number field rounds the value.
  bool from_design = false;
};

/// Parses `path=value`. Throws UsageError when there is no `=` or no path.
Override parse_override(std::string_view arg);

struct LoadOptions {
  std::vector<Override> overrides;
  detail::ParseLimits limits;
  /// The fields the mechanisms add to the format. None given: the standard
  /// model's (standard_fields()); a program with mechanisms of its own gives
  /// the fields of its whole list (model::extensions_of).
  std::optional<std::vector<ExtensionBlock>> extensions;
};

/// The fields the standard model's mechanisms add to the format, which the
/// loader reads unless told otherwise. Declared here and defined with the
/// registration list (src/mechanisms/standard.cpp): a file is checked
/// against the mechanisms that will run it, and the scenario layer includes
/// nothing of the model (docs/ARCHITECTURE.md).
const std::vector<ExtensionBlock>& standard_fields();

/// Loads and validates a scenario file. Throws ScenarioError with every
/// problem found.
Scenario load_scenario(const std::string& path, const LoadOptions& options = {});

/// Same, from YAML text; `origin` names the text in messages.
Scenario load_scenario_text(std::string_view yaml, const std::string& origin,
                            const LoadOptions& options = {});

/// A scenario file read once, with its `base:` files: what every design
/// point of a sweep and a run's provenance hash are made from, so that
/// editing the file while negsim runs cannot change what it runs.
struct ScenarioSource {
  std::string path;
  std::string bytes;   ///< the file's bytes as read (hashed into the provenance)
  detail::YNode tree;  ///< parsed, with `base:` resolved
  detail::ParseLimits limits;
  std::optional<std::vector<ExtensionBlock>> extensions;  ///< as in LoadOptions
};

/// Reads and parses a scenario file and its bases, without validating it.
/// Throws ScenarioError for a missing, oversized or malformed file.
ScenarioSource read_scenario_source(const std::string& path, const detail::ParseLimits& limits = {},
                                    std::optional<std::vector<ExtensionBlock>> extensions = {});

/// The same from YAML text held in memory: `origin` names it in messages,
/// and `base:` paths are relative to origin's directory (the working
/// directory for a name without one, such as "<string>").
ScenarioSource scenario_source_text(std::string text, const std::string& origin,
                                    const detail::ParseLimits& limits = {},
                                    std::optional<std::vector<ExtensionBlock>> extensions = {});

/// Validates the source with the overrides applied. Throws ScenarioError.
Scenario load_scenario(const ScenarioSource& source, const std::vector<Override>& overrides = {});

/// The fully resolved scenario (defaults filled in), as YAML that
/// load_scenario_text reads back to an equal Scenario.
std::string to_yaml(const Scenario& scenario);

/// The same content as JSON (also readable by the loader).
std::string to_json(const Scenario& scenario);

}  // namespace negsim
