// What the numbers on the utility scale mean for each agent of a scenario
// (docs/MODEL.md §1.3, §1.5): its utility of the status quo, of each agent's
// ideal and of given texts, and each principal's reservation, as the model
// computes them at the start of a run, over draws of the uncertain
// parameters. `negsim utilities` prints it; the Python module returns it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "negsim/scenario.hpp"

namespace negsim {

/// A text to value: its name and its issue values in real units (an issue
/// without one stays at its status quo).
struct UtilityText {
  std::string name;
  std::vector<std::optional<double>> values;
};

/// `NAME` (a text of the file's `texts:`) or `issue=value,...` in the
/// issues' units (an issue of levels also takes a level's name). Throws
/// UsageError naming the unknown text or issue, or the value out of range.
UtilityText parse_utility_text(const Scenario& scenario, const std::string& arg);

/// Mean and 5% and 95% quantiles of one cell over the draws.
struct UtilityCell {
  double mean = 0, q05 = 0, q95 = 0;
};

struct UtilityTable {
  std::string scenario;
  std::uint64_t seed = 0, draws = 0;
  /// "status quo", then "NAME's ideal" for each agent listed, then "text X"
  /// for the file's texts and the texts given.
  std::vector<std::string> columns;
  std::vector<std::string> agents, roles;               ///< the agents that are not mediators
  std::vector<std::optional<UtilityCell>> reservation;  ///< principals only
  std::vector<std::vector<UtilityCell>> cells;          ///< [agent][column]
};

/// The table over `draws` draws (run d of seed `seed`, point 0, as `negsim
/// run` draws run d), with the file's texts and then `extra`.
UtilityTable utility_table(const Scenario& scenario, const std::vector<UtilityText>& extra,
                           std::uint64_t draws, std::uint64_t seed);

/// As `negsim utilities --format json` prints it.
std::string utility_table_json(const UtilityTable& table);
/// As `negsim utilities` prints it: a Markdown table with a note.
std::string utility_table_text(const UtilityTable& table);

}  // namespace negsim
