// A located, alias-expanded copy of a YAML document.
//
// yaml-cpp keeps duplicate keys (and `node[key]` silently returns the first),
// shares aliased nodes, and loses the file name. The loader needs all three:
// every duplicate reported, alias expansion bounded (a "billion laughs" file
// must fail, not exhaust memory), and every value tagged with the file and
// position it came from, including values given with `--set`. So the loader
// works on this small tree instead of on YAML::Node.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "negsim/scenario.hpp"

namespace negsim::detail {

struct YEntry;

struct YNode {
  enum class Kind { null, scalar, sequence, map };

  Kind kind = Kind::null;
  std::string scalar;   ///< text of a scalar
  bool quoted = false;  ///< scalar written in quotes (always a string)
  SourceLoc loc;
  std::vector<YNode> items;     ///< sequence elements
  std::vector<YEntry> entries;  ///< map entries, duplicates kept
  /// A number a sweep design set: a whole-number field takes it rounded to
  /// the nearest whole number (halves away from zero), since Latin
  /// hypercube, Sobol' and Morris points are continuous (docs/SWEEPS.md).
  bool round_whole = false;

  bool is_null() const { return kind == Kind::null; }
  bool is_scalar() const { return kind == Kind::scalar; }
  bool is_sequence() const { return kind == Kind::sequence; }
  bool is_map() const { return kind == Kind::map; }

  /// Value of the first entry whose key is `key`, or nullptr.
  const YNode* find(std::string_view key) const;
  YNode* find(std::string_view key);
};

/// A key and its value in a mapping (a pair, but of a type that is only
/// complete here).
struct YEntry {
  YNode first, second;
  YEntry(YNode key, YNode value) : first(std::move(key)), second(std::move(value)) {}
};

/// Bounds that keep a hostile file from exhausting the machine.
struct ParseLimits {
  std::uintmax_t max_file_bytes = 16u << 20;  ///< 16 MiB
  std::size_t max_nodes = 200'000;            ///< after alias expansion
  std::size_t max_depth = 64;                 ///< nesting of maps and lists
};

/// Reads a file's bytes. Throws ScenarioError for a missing, unreadable or
/// oversized file (larger than limits.max_file_bytes).
std::string read_text_file(const std::string& path, const ParseLimits& limits = {});

/// Reads and parses a YAML file. Throws ScenarioError for a missing,
/// unreadable, oversized or empty file, a syntax error, or a document that
/// breaks the limits.
YNode parse_yaml_file(const std::string& path, const ParseLimits& limits = {});

/// Parses YAML text. `origin` names it in messages; when `located` is false
/// the text has no lines of its own (a command-line value) and every location
/// carries line 0.
YNode parse_yaml_text(std::string_view text, const std::string& origin,
                      const ParseLimits& limits = {}, bool located = true);

/// A short description of a node for "got X" in messages.
std::string describe(const YNode& node);

}  // namespace negsim::detail
