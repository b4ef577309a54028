// Checking YAML input: located, collected messages in one shape.
//
// Shared by the scenario loader and the sweep's design files: a Checker
// collects every problem as `file:line:col: path: what is wrong (got X,
// expected Y)`; Fields checks a mapping's keys (unknown keys with a "did you
// mean", duplicates); the readers check types and ranges.
#pragma once

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "negsim/detail/text.hpp"
#include "negsim/detail/yaml_tree.hpp"

namespace negsim::detail {

inline constexpr double kInf = std::numeric_limits<double>::infinity();

/// "first defined at line 3", or the column when both are on one line.
std::string first_defined(const SourceLoc& first, const SourceLoc& again);

/// "a principal", "an enforcer".
std::string with_article(std::string_view noun);

inline std::string join_path(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string in_quotes(std::string_view s);

/// The values a number may take, for checks and for "expected ..." text.
struct Range {
  double lo = -kInf;
  double hi = kInf;
  bool integer = false;
  std::string unit;  // appended to messages when set
  /// An issue of levels (yes/no, ordered categories): a level's name reads
  /// as its index. Null for a number.
  const std::vector<std::string>* levels = nullptr;
  /// An issue whose levels are invalid (reported there): any name reads as
  /// 0, so a position is not reported a second time.
  bool any_level = false;

  Range(double lo_ = -kInf, double hi_ = kInf, bool integer_ = false, std::string unit_ = {})
      : lo(lo_), hi(hi_), integer(integer_), unit(std::move(unit_)) {}

  std::string describe() const;
  bool contains(double x) const { return x >= lo && x <= hi; }
};

inline const Range kProbability{0, 1};
inline const Range kNonNegative{0, kInf};
inline const Range kAnyNumber{};

/// Parses a plain YAML 1.2 number; nullopt when the text is not one.
/// Infinities and NaN (".inf", ".nan") parse, so they can be rejected by name.
std::optional<double> parse_number(std::string_view s);

/// Collects problems; every check reports and carries on.
class Checker {
 public:
  void error(const SourceLoc& loc, const std::string& path, std::string message) {
    diagnostics_.push_back(Diagnostic{loc, path, std::move(message)});
  }
  void error(const YNode& at, const std::string& path, std::string message) {
    error(at.loc, path, std::move(message));
  }
  bool ok() const { return diagnostics_.empty(); }
  std::size_t count() const { return diagnostics_.size(); }
  std::vector<Diagnostic>& diagnostics() { return diagnostics_; }

  void wrong_type(const YNode& n, const std::string& path, const std::string& expected);

  std::optional<double> number(const YNode& n, const std::string& path,
                               const Range& range = kAnyNumber);

  std::optional<std::string> string(const YNode& n, const std::string& path);

  /// A name of an issue or agent: usable in paths and on the command line.
  bool valid_name(const YNode& key, const std::string& path);

  /// An error on a name that is not among `known`: "unknown WHAT (got
  /// "x", did you mean "y"?)", or the list of the known ones when none is
  /// close.
  void unknown_name(const SourceLoc& at, const std::string& path, const std::string& what,
                    const std::string& got, const std::vector<std::string>& known);

 private:
  std::vector<Diagnostic> diagnostics_;
};

/// A mapping with a fixed set of keys. Reports a non-mapping, duplicate keys
/// and unknown keys (with a suggestion) when constructed.
class Fields {
 public:
  /// `suggest` narrows "did you mean" to the keys that apply here (an
  /// agent's role), when they are fewer than those merely recognised.
  Fields(Checker& c, const YNode& node, std::string path, std::vector<std::string> allowed,
         const std::vector<std::string>* suggest = nullptr);

  bool is_map() const { return node_.is_map(); }
  const YNode& node() const { return node_; }
  const std::string& path() const { return path_; }
  std::string sub(std::string_view key) const { return join_path(path_, key); }

  const YNode* get(std::string_view key) const { return is_map() ? node_.find(key) : nullptr; }

  const YNode* key_node(std::string_view key) const {
    for (const auto& [k, v] : node_.entries) {
      if (k.is_scalar() && k.scalar == key) return &k;
    }
    return nullptr;
  }

  /// The value of a required key, or nullptr after reporting it missing.
  const YNode* require(std::string_view key, const std::string& expected);

 private:
  std::optional<std::string> unknown_key(const YNode& key, const std::string& sub);
  std::string list_keys() const { return detail::join_alternatives(allowed_); }

  Checker& checker_;
  const YNode& node_;
  std::string path_;
  std::vector<std::string> allowed_;
  std::vector<std::string> suggest_;
  std::set<std::string> suggested_;
};

/// Calls f(key, value, path) for each entry of a mapping keyed by names,
/// reporting a non-mapping, invalid names and duplicates (seen once only).
template <class F>
inline void for_each_named(Checker& c, const YNode& node, const std::string& path,
                           const std::string& what, F&& f) {
  if (!node.is_map()) {
    c.wrong_type(node, path, "a mapping of " + what);
    return;
  }
  std::map<std::string, SourceLoc> seen;
  for (const auto& [key, value] : node.entries) {
    const std::string sub = key.is_scalar() ? join_path(path, key.scalar) : path;
    if (!c.valid_name(key, sub)) continue;
    if (auto [it, fresh] = seen.emplace(key.scalar, key.loc); !fresh) {
      c.error(key, sub, "duplicate key (" + first_defined(it->second, key.loc) + ")");
      continue;
    }
    f(key, value, sub);
  }
}

/// Reads a distribution's numeric arguments given as a list.
std::optional<std::vector<double>> read_numbers(Checker& c, const YNode& n, const std::string& path,
                                                std::size_t count, const std::string& shape);

void sort_by_position(std::vector<Diagnostic>& diagnostics, const std::string& main_file);

/// A `sources` list (of a scenario or an observed file): strings (taken as
/// `cite`) or mappings with `id`, `cite` (required), `url` and `quote`.
std::vector<Source> read_sources(Checker& c, const YNode& n);

}  // namespace negsim::detail
