#include "negsim/detail/yaml_check.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>

namespace negsim::detail {

std::string first_defined(const SourceLoc& first, const SourceLoc& again) {
  if (first.line == again.line) return "first defined at column " + std::to_string(first.column);
  return "first defined at line " + std::to_string(first.line);
}

std::string with_article(std::string_view noun) {
  const bool vowel =
      !noun.empty() && std::string_view("aeiou").find(noun[0]) != std::string_view::npos;
  return (vowel ? "an " : "a ") + std::string(noun);
}

std::string in_quotes(std::string_view s) {
  // Appending, not `"\"" + std::string(s)`: GCC 12 warns falsely on the latter (bug 105651).
  std::string out;
  out.reserve(s.size() + 2);
  out.append(1, '"').append(s).append(1, '"');
  return out;
}

std::optional<double> parse_number(std::string_view s) {
  static const std::set<std::string_view> kPosInf{".inf",  ".Inf",  ".INF",
                                                  "+.inf", "+.Inf", "+.INF"};
  static const std::set<std::string_view> kNegInf{"-.inf", "-.Inf", "-.INF"};
  static const std::set<std::string_view> kNan{".nan", ".NaN", ".NAN"};
  if (kPosInf.count(s)) return kInf;
  if (kNegInf.count(s)) return -kInf;
  if (kNan.count(s)) return std::numeric_limits<double>::quiet_NaN();
  if (s.empty()) return std::nullopt;
  std::string_view body = s;
  if (body.front() == '+') {
    body.remove_prefix(1);
    if (!body.empty() && body.front() == '-') return std::nullopt;  // "+-1" is not a number
  }
  // from_chars also takes "inf" and "nan", which YAML reads as strings.
  if (body.empty() || !(std::isdigit(static_cast<unsigned char>(body.front())) ||
                        body.front() == '.' || body.front() == '-')) {
    return std::nullopt;
  }
  double x = 0;
  auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), x);
  if (end != body.data() + body.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) {
    // Too large is infinite (and rejected as such); too small is zero.
    const std::string text(body);
    return std::strtod(text.c_str(), nullptr);
  }
  if (ec != std::errc()) return std::nullopt;
  return x;
}

std::optional<std::vector<double>> read_numbers(Checker& c, const YNode& n, const std::string& path,
                                                std::size_t count, const std::string& shape) {
  if (!n.is_sequence() || (count > 0 && n.items.size() != count) || n.items.empty()) {
    c.error(n, path,
            "wrong shape (got " + describe(n) +
                (n.is_sequence() ? " of " + std::to_string(n.items.size()) : "") + ", expected " +
                shape + ")");
    return std::nullopt;
  }
  std::vector<double> out;
  bool ok = true;
  for (std::size_t i = 0; i < n.items.size(); ++i) {
    if (auto x = c.number(n.items[i], join_path(path, std::to_string(i)))) {
      out.push_back(*x);
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

void sort_by_position(std::vector<Diagnostic>& diagnostics, const std::string& main_file) {
  // The scenario's own file first, then the files it is based on, each in
  // reading order; command-line values last.
  auto rank = [&](const Diagnostic& d) {
    return d.loc.line == 0 ? 2 : d.loc.file == main_file ? 0 : 1;
  };
  std::stable_sort(diagnostics.begin(), diagnostics.end(),
                   [&](const Diagnostic& a, const Diagnostic& b) {
                     if (rank(a) != rank(b)) return rank(a) < rank(b);
                     if (rank(a) == 2) return false;  // overrides in command-line order
                     if (a.loc.file != b.loc.file) return a.loc.file < b.loc.file;
                     if (a.loc.line != b.loc.line) return a.loc.line < b.loc.line;
                     return a.loc.column < b.loc.column;
                   });
}

std::string Range::describe() const {
  std::string what = integer ? "a whole number" : "a number";
  if (lo > -kInf && hi < kInf) {
    what += " in [" + format_number(lo) + ", " + format_number(hi) + "]";
  } else if (lo > -kInf) {
    what += " >= " + format_number(lo);
  } else if (hi < kInf) {
    what += " <= " + format_number(hi);
  }
  if (!unit.empty()) what += " (" + unit + ")";
  if (levels) what += " or one of " + join_alternatives(*levels);
  return what;
}

void Checker::wrong_type(const YNode& n, const std::string& path, const std::string& expected) {
  if (n.is_null()) {
    error(n, path, "missing value (expected " + expected + ")");
  } else {
    error(n, path, "wrong type (got " + describe(n) + ", expected " + expected + ")");
  }
}

std::optional<double> Checker::number(const YNode& n, const std::string& path, const Range& range) {
  const std::string expected = range.describe();
  if (n.is_scalar() && (range.levels || range.any_level) && !parse_number(n.scalar)) {
    // A level's name (quoted or not: "no" and "yes" are written quoted).
    if (range.any_level) return 0.0;
    const auto& levels = *range.levels;
    const auto at = std::find(levels.begin(), levels.end(), n.scalar);
    if (at != levels.end()) return static_cast<double>(at - levels.begin());
    const auto near = closest_match(n.scalar, levels);
    error(n, path,
          "unknown level (got " + in_quotes(n.scalar) +
              (near ? ", did you mean \"" + *near + "\"?)" : ", expected " + expected + ")"));
    return std::nullopt;
  }
  if (!n.is_scalar() || n.quoted) {
    wrong_type(n, path, expected);
    return std::nullopt;
  }
  auto x = parse_number(n.scalar);
  if (x && range.integer && n.round_whole && std::isfinite(*x)) x = std::round(*x);
  if (!x) {
    wrong_type(n, path, expected);
    return std::nullopt;
  }
  if (!std::isfinite(*x)) {
    error(n, path, "not a finite number (got " + n.scalar + ", expected " + expected + ")");
    return std::nullopt;
  }
  if (range.integer && std::floor(*x) != *x) {
    error(n, path, "not a whole number (got " + n.scalar + ", expected " + expected + ")");
    return std::nullopt;
  }
  if (!range.contains(*x)) {
    error(n, path, "out of range (got " + n.scalar + ", expected " + expected + ")");
    return std::nullopt;
  }
  return x;
}

std::optional<std::string> Checker::string(const YNode& n, const std::string& path) {
  if (!n.is_scalar()) {
    wrong_type(n, path, "a string");
    return std::nullopt;
  }
  if (const auto bad = invalid_utf8(n.scalar)) {
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(n.scalar[*bad]));
    error(n, path,
          "not valid UTF-8 text (got byte " + std::string(byte) + " at offset " +
              std::to_string(*bad) + ", expected UTF-8)");
    return std::nullopt;
  }
  return n.scalar;
}

bool Checker::valid_name(const YNode& key, const std::string& path) {
  const std::string& s = key.scalar;
  const bool ok = key.is_scalar() && !s.empty() && std::isalpha(static_cast<unsigned char>(s[0])) &&
                  std::all_of(s.begin(), s.end(), [](char c) {
                    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
                  });
  if (!ok) {
    error(key, path,
          "invalid name (got " + describe(key) +
              ", expected a letter followed by letters, digits, '_' or '-')");
  }
  return ok;
}

Fields::Fields(Checker& c, const YNode& node, std::string path, std::vector<std::string> allowed,
               const std::vector<std::string>* suggest)
    : checker_(c),
      node_(node),
      path_(std::move(path)),
      allowed_(std::move(allowed)),
      suggest_(suggest ? *suggest : allowed_) {
  if (!node.is_map()) {
    checker_.wrong_type(node, path_, "a mapping with keys " + list_keys());
    return;
  }
  std::map<std::string, SourceLoc> seen;
  for (const auto& [key, value] : node.entries) {
    if (!key.is_scalar()) {
      checker_.error(key, path_, "a key must be a plain name (got " + describe(key) + ")");
      continue;
    }
    const std::string sub = join_path(path_, key.scalar);
    if (auto [it, fresh] = seen.emplace(key.scalar, key.loc); !fresh) {
      checker_.error(key, sub, "duplicate key (" + first_defined(it->second, key.loc) + ")");
      continue;
    }
    if (std::find(allowed_.begin(), allowed_.end(), key.scalar) == allowed_.end()) {
      if (auto near = unknown_key(key, sub)) suggested_.insert(*near);
    }
  }
}

const YNode* Fields::require(std::string_view key, const std::string& expected) {
  const YNode* v = get(key);
  // A misspelt key was reported with this one as its suggestion already.
  if (!v && is_map() && !suggested_.count(std::string(key))) {
    checker_.error(
        node_, path_,
        "missing required field \"" + std::string(key) + "\" (expected " + expected + ")");
  }
  return v;
}

std::optional<std::string> Fields::unknown_key(const YNode& key, const std::string& sub) {
  auto near = detail::closest_match(key.scalar, suggest_);
  if (near) {
    checker_.error(key, sub, "unknown key (did you mean \"" + *near + "\"?)");
  } else {
    checker_.error(key, sub,
                   "unknown key (expected one of " + detail::join_alternatives(suggest_) + ")");
  }
  return near;
}

std::vector<Source> read_sources(Checker& c, const YNode& n) {
  std::vector<Source> out;
  if (!n.is_sequence()) {
    c.wrong_type(n, "sources", "a list of sources");
    return out;
  }
  for (std::size_t i = 0; i < n.items.size(); ++i) {
    const YNode& item = n.items[i];
    const std::string path = join_path("sources", std::to_string(i));
    Source src;
    if (item.is_scalar()) {
      src.cite = item.scalar;
    } else {
      Fields f(c, item, path, {"id", "cite", "url", "quote"});
      if (!f.is_map()) continue;
      if (auto* v = f.get("id")) src.id = c.string(*v, f.sub("id")).value_or("");
      if (auto* v = f.require("cite", "the article, dataset or publisher")) {
        src.cite = c.string(*v, f.sub("cite")).value_or("");
      }
      if (auto* v = f.get("url")) src.url = c.string(*v, f.sub("url")).value_or("");
      if (auto* v = f.get("quote")) src.quote = c.string(*v, f.sub("quote")).value_or("");
    }
    out.push_back(std::move(src));
  }
  return out;
}

void Checker::unknown_name(const SourceLoc& at, const std::string& path, const std::string& what,
                           const std::string& got, const std::vector<std::string>& known) {
  const auto near = closest_match(got, known);
  error(at, path,
        "unknown " + what + " (got " + in_quotes(got) +
            (near ? ", did you mean \"" + *near + "\"?)"
                  : ", expected one of " + join_alternatives(known) + ")"));
}

}  // namespace negsim::detail
