// Where a value was written and what is wrong with it: the bottom of negsim's
// layers (every component may include this header; it includes none of them).
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace negsim {

/// Where a value came from: a file position (1-based line and column), or a
/// command-line override (line 0, `file` holds the `--set` argument).
struct SourceLoc {
  std::string file;
  int line = 0;
  int column = 0;

  bool operator==(const SourceLoc&) const = default;
};

/// The location of a value inside a value type (a Param, an Issue, a
/// Scenario...). It says where the value was written, not what it is, so it
/// takes no part in the comparison of the value that holds it: two scenarios
/// that differ only in layout are equal. Compare `.where()` (a SourceLoc) to
/// compare locations themselves.
struct WrittenAt : SourceLoc {
  WrittenAt() = default;
  WrittenAt(SourceLoc loc) : SourceLoc(std::move(loc)) {}  // NOLINT: a location reads as one
  const SourceLoc& where() const { return *this; }
  friend bool operator==(const WrittenAt&, const WrittenAt&) { return true; }
};

/// One problem found in an input: where, which field, what was wrong.
struct Diagnostic {
  SourceLoc loc;
  std::string path;     ///< dotted field path, e.g. "agents.us.trust"
  std::string message;  ///< what is wrong, with "(got X, expected Y)"

  /// `file:line:col: path: message` (or `file: path: message` without a line).
  std::string str() const;
};

/// A scenario (or design, or observed file) that could not be read or failed
/// validation. Carries every problem found, in file order, not just the first.
class ScenarioError : public std::runtime_error {
 public:
  explicit ScenarioError(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

/// A malformed command line or override (`--set` without `=`, ...).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace negsim
