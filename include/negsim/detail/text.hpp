// Small text helpers shared by the loader, the writers and the CLI.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace negsim::detail {

/// Shortest text that reads back to exactly `x` ("0.1", "60", "1e-09", "inf").
std::string format_number(double x);

/// `x` with `decimals` digits after the point; a value that rounds to zero
/// prints as 0, never as "-0.000".
std::string fixed(double x, int decimals);

/// Four significant digits, for a value in real units ("3.67", "812", "45.1").
std::string short_number(double x);

/// Edit distance between two names (insertions, deletions, substitutions and
/// swaps of adjacent letters each count one).
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word`, if it is close enough to be a likely typo.
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates);

/// The offset of the first byte that is not part of valid UTF-8, if any.
std::optional<std::size_t> invalid_utf8(std::string_view text);

/// `a, b or c` for messages.
std::string join_alternatives(const std::vector<std::string>& words);

}  // namespace negsim::detail
