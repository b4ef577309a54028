#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "negsim/detail/overloaded.hpp"
#include "negsim/detail/scenario_variants.hpp"
#include "negsim/detail/text.hpp"
#include "negsim/detail/yaml_check.hpp"
#include "negsim/scenario_yaml.hpp"

namespace negsim {
namespace {

using namespace detail;  // the checking machinery of detail/yaml_check.hpp

std::string support_text(const Param& p) {
  const double lo = p.support_min(), hi = p.support_max();
  auto bound = [](double x) {
    return std::isinf(x) ? std::string(x > 0 ? "inf" : "-inf") : format_number(x);
  };
  return std::string(p.kind_name()) + " on [" + bound(lo) + ", " + bound(hi) + "]";
}

/// A number or a distribution whose every draw lies in `range`.
std::optional<Param> read_param(Checker& c, const YNode& n, const std::string& path,
                                const Range& range) {
  if (n.is_scalar()) {
    auto x = c.number(n, path, range);
    if (!x) return std::nullopt;
    Param p(*x);
    p.loc = n.loc;
    return p;
  }
  const std::string expected =
      range.describe() + " or a distribution ({uniform: [a, b]}, {normal: {mean, sd}}, ...)";
  if (!n.is_map()) {
    c.wrong_type(n, path, expected);
    return std::nullopt;
  }
  if (n.entries.size() != 1 || !n.entries.front().first.is_scalar()) {
    std::string keys;
    for (const auto& [k, v] : n.entries) keys += (keys.empty() ? "" : ", ") + describe(k);
    c.error(n, path,
            "a distribution has exactly one kind (got " + std::to_string(n.entries.size()) +
                " keys: " + keys + ", expected one of " +
                detail::join_alternatives(kDistributionKinds) + ")");
    return std::nullopt;
  }
  const auto& [key, body] = n.entries.front();
  const std::string kind = key.scalar;
  const std::string sub = join_path(path, kind);
  const std::size_t before = c.count();
  Param p;
  p.loc = n.loc;
  if (kind == "uniform") {
    auto v = read_numbers(c, body, sub, 2, "[min, max]");
    if (!v) return std::nullopt;
    if ((*v)[0] > (*v)[1]) {
      c.error(body, sub,
              "min > max (got [" + format_number((*v)[0]) + ", " + format_number((*v)[1]) +
                  "], expected min <= max)");
      return std::nullopt;
    }
    p.dist = Uniform{(*v)[0], (*v)[1]};
  } else if (kind == "triangular") {
    auto v = read_numbers(c, body, sub, 3, "[min, mode, max]");
    if (!v) return std::nullopt;
    const double lo = (*v)[0], mode = (*v)[1], hi = (*v)[2];
    if (!(lo <= mode && mode <= hi) || lo == hi) {
      c.error(body, sub,
              "points out of order (got [" + format_number(lo) + ", " + format_number(mode) + ", " +
                  format_number(hi) + "], expected min <= mode <= max with min < max)");
      return std::nullopt;
    }
    p.dist = Triangular{lo, mode, hi};
  } else if (kind == "normal" || kind == "beta") {
    const bool normal = kind == "normal";
    Fields f(c, body, sub,
             normal ? std::vector<std::string>{"mean", "sd", "min", "max"}
                    : std::vector<std::string>{"a", "b", "min", "max"});
    if (!f.is_map()) return std::nullopt;
    std::optional<double> p1, p2, lo, hi;
    const char* k1 = normal ? "mean" : "a";
    const char* k2 = normal ? "sd" : "b";
    if (auto* v = f.require(k1, "a number")) p1 = c.number(*v, f.sub(k1));
    const Range shape_range = normal ? kNonNegative : Range{0, kInf};
    if (auto* v = f.require(k2, shape_range.describe())) p2 = c.number(*v, f.sub(k2), shape_range);
    if (!normal && p1 && *p1 <= 0) {
      c.error(*f.get(k1), f.sub(k1),
              "out of range (got " + format_number(*p1) + ", expected a number > 0)");
    }
    if (!normal && p2 && *p2 <= 0) {
      c.error(*f.get(k2), f.sub(k2),
              "out of range (got " + format_number(*p2) + ", expected a number > 0)");
    }
    if (auto* v = f.get("min")) lo = c.number(*v, f.sub("min"));
    if (auto* v = f.get("max")) hi = c.number(*v, f.sub("max"));
    if (c.count() != before) return std::nullopt;
    // A beta's missing bound is its default (0 or 1), so check it with that.
    if (!normal) {
      lo = lo.value_or(0.0);
      hi = hi.value_or(1.0);
    }
    if (lo && hi && !(*lo < *hi)) {
      c.error(body, sub,
              "min >= max (got min " + format_number(*lo) + ", max " + format_number(*hi) +
                  ", expected min < max)");
      return std::nullopt;
    }
    if (normal) {
      p.dist = Normal{*p1, *p2, lo, hi};
    } else {
      p.dist = Beta{*p1, *p2, *lo, *hi};
    }
  } else if (kind == "choice") {
    Choice choice;
    if (body.is_map()) {
      Fields f(c, body, sub, {"values", "weights"});
      if (auto* v = f.require("values", "a list of numbers")) {
        if (auto xs = read_numbers(c, *v, f.sub("values"), 0, "a non-empty list of numbers")) {
          choice.values = *xs;
        }
      }
      if (auto* w = f.get("weights")) {
        if (auto ws = read_numbers(c, *w, f.sub("weights"), choice.values.size(),
                                   "one weight per value")) {
          choice.weights = *ws;
          double total = 0;
          for (std::size_t i = 0; i < ws->size(); ++i) {
            if ((*ws)[i] < 0) {
              c.error(w->items[i], join_path(f.sub("weights"), std::to_string(i)),
                      "out of range (got " + format_number((*ws)[i]) + ", expected a number >= 0)");
            }
            total += (*ws)[i];
          }
          if (total <= 0)
            c.error(*w, f.sub("weights"), "weights sum to zero (expected a positive sum)");
        }
      }
    } else if (auto xs = read_numbers(c, body, sub, 0, "a non-empty list of numbers")) {
      choice.values = *xs;
    }
    if (c.count() != before) return std::nullopt;
    p.dist = std::move(choice);
  } else {
    if (auto near = detail::closest_match(kind, kDistributionKinds)) {
      c.error(key, sub, "unknown distribution (did you mean \"" + *near + "\"?)");
    } else {
      c.error(key, sub,
              "unknown distribution (got " + describe(key) + ", expected one of " +
                  detail::join_alternatives(kDistributionKinds) + ")");
    }
    return std::nullopt;
  }
  if (c.count() != before) return std::nullopt;
  // Every draw must be a legal value: check the whole support, not the mean.
  if (range.lo > p.support_min() || range.hi < p.support_max()) {
    std::string hint;
    if (std::holds_alternative<Normal>(p.dist)) hint = "; truncate it with min and max";
    c.error(n, path,
            "out of range (got " + support_text(p) + ", expected values in [" +
                format_number(range.lo) + ", " + format_number(range.hi) + "]" +
                (range.unit.empty() ? "" : " (" + range.unit + ")") + hint + ")");
    return std::nullopt;
  }
  if (range.integer) {
    if (const auto* ch = std::get_if<Choice>(&p.dist)) {
      for (double v : ch->values) {
        if (std::floor(v) != v) {
          c.error(n, path,
                  "not a whole number (got " + format_number(v) +
                      " among the choices, expected whole numbers)");
          return std::nullopt;
        }
      }
    }
  }
  return p;
}

/// Reads an optional field into `out` when present and valid.
void read_param_field(Checker& c, const Fields& f, std::string_view key, const Range& range,
                      Param& out) {
  if (const YNode* v = f.get(key)) {
    if (auto p = read_param(c, *v, f.sub(key), range)) out = std::move(*p);
  }
}

/// Resolves a reference to a named agent or issue.
std::optional<Ref> read_ref(Checker& c, const YNode& n, const std::string& path,
                            const std::vector<std::string>& names, const std::string& what) {
  auto s = c.string(n, path);
  if (!s) return std::nullopt;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == *s) return Ref{*s, i, n.loc};
  }
  if (auto near = detail::closest_match(*s, names)) {
    c.error(n, path,
            "unknown " + what + " (got " + in_quotes(*s) + ", did you mean \"" + *near + "\"?)");
  } else {
    c.error(n, path,
            "unknown " + what + " (got " + in_quotes(*s) + ", expected one of " +
                detail::join_alternatives(names) + ")");
  }
  return std::nullopt;
}

std::optional<std::size_t> find_name(const std::vector<std::string>& names, std::string_view s) {
  auto it = std::find(names.begin(), names.end(), s);
  if (it == names.end()) return std::nullopt;
  return static_cast<std::size_t>(it - names.begin());
}

/// Reports a key naming an issue that does not exist.
void unknown_name(Checker& c, const YNode& key, const std::string& path,
                  const std::vector<std::string>& names, const std::string& what) {
  if (auto near = detail::closest_match(key.scalar, names)) {
    c.error(key, path, "unknown " + what + " (did you mean \"" + *near + "\"?)");
  } else {
    c.error(key, path,
            "unknown " + what + " (got " + in_quotes(key.scalar) + ", expected one of " +
                detail::join_alternatives(names) + ")");
  }
}

// ---------------------------------------------------------------------------

/// Everything needed while reading one scenario.
class Loader {
 public:
  Loader(Checker& c, const std::vector<ExtensionBlock>& extensions)
      : c_(c), extensions_(extensions) {
    // `{beta: ...}` in place of a block with a shorthand reads as a
    // distribution of the shorthand field, so no field of such a block may
    // be named after a distribution kind: a mechanism's declaration error.
    for (const ExtensionBlock& b : extensions_) {
      if (b.shorthand.empty()) continue;
      for (const ExtensionField& f : b.fields) {
        if (std::find(kDistributionKinds.begin(), kDistributionKinds.end(), f.name) !=
            kDistributionKinds.end()) {
          throw std::logic_error("block \"" + b.name + "\" has a shorthand and a field named \"" +
                                 f.name + "\", a distribution kind: rename the field");
        }
      }
    }
  }

  Scenario read(const YNode& root) {
    Scenario s;
    s.loc = root.loc;
    std::vector<std::string> keys{"negsim", "name",   "description", "sources",
                                  "seed",   "rounds", "protocol",    "issues",
                                  "texts",  "agents", "deals",       "events"};
    // `mechanisms:` holds the blocks of the talks that mechanisms add; a
    // build whose mechanisms add none does not know the key.
    if (std::any_of(extensions_.begin(), extensions_.end(),
                    [](const ExtensionBlock& b) { return b.roles.empty(); })) {
      keys.push_back("mechanisms");
    }
    Fields top(c_, root, "", keys);
    if (!top.is_map()) return s;

    if (const YNode* v = top.require("negsim", "the format version, 1")) {
      if (auto x = c_.number(*v, "negsim", Range{-kInf, kInf, true})) {
        if (*x != kFormatVersion) {
          c_.error(*v, "negsim",
                   "unsupported format version (got " + v->scalar + ", expected " +
                       std::to_string(kFormatVersion) + ")");
        }
      }
    }
    if (const YNode* v = top.require("name", "a short title for reports")) {
      if (auto x = c_.string(*v, "name")) s.name = *x;
    }
    if (const YNode* v = top.get("description")) {
      if (auto x = c_.string(*v, "description")) s.description = *x;
    }
    if (const YNode* v = top.get("sources")) s.sources = read_sources(c_, *v);
    if (const YNode* v = top.get("seed")) read_seed(*v, s.seed);
    if (const YNode* v = top.get("rounds")) read_rounds(*v, s.rounds);
    if (const YNode* v = top.get("protocol")) read_protocol(*v, s.protocol, s.rounds);

    const YNode* issues = top.require("issues", "a mapping of issue names to issues");
    if (issues) s.issues = read_issues(*issues);
    if (const YNode* v = top.get("texts")) s.texts = read_texts(*v, s);
    const YNode* agents = top.require("agents", "a mapping of agent names to agents");
    if (agents) s.agents = read_agents(*agents, s);
    if (const YNode* v = top.get("deals")) read_deals(*v, s);
    if (const YNode* v = top.get("events")) read_events(*v, s.events);
    if (const YNode* v = top.get("mechanisms"); v && keys.back() == "mechanisms") {
      read_mechanisms(*v, s);
    }
    // A block of the talks the file leaves out takes its defaults, when every
    // field has one (as `events:` does), so the resolved scenario shows it.
    for (const ExtensionBlock& b : extensions_) {
      if (!b.roles.empty() || std::any_of(s.extensions.begin(), s.extensions.end(),
                                          [&](const auto& e) { return e.first == b.name; })) {
        continue;
      }
      if (!defaults_complete(b)) continue;
      s.extensions.emplace_back(
          b.name, read_block(b, nullptr, root.loc, join_path("mechanisms", b.name), "", s));
    }
    if (agents && agents->is_map()) check_cast(*agents);
    return s;
  }

 private:
  void read_seed(const YNode& n, std::uint64_t& seed) {
    const std::string expected = "a whole number in [0, 18446744073709551615]";
    if (!n.is_scalar() || n.quoted) {
      c_.wrong_type(n, "seed", expected);
      return;
    }
    std::uint64_t x = 0;
    const std::string& s = n.scalar;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), x);
    if (ec == std::errc() && end == s.data() + s.size()) {
      seed = x;
      return;
    }
    if (auto number = parse_number(s)) {
      const bool whole = std::isfinite(*number) && std::floor(*number) == *number;
      c_.error(n, "seed",
               std::string(whole ? "out of range" : "not a whole number") + " (got " + s +
                   ", expected " + expected + ")");
    } else {
      c_.wrong_type(n, "seed", expected);
    }
  }

  void read_rounds(const YNode& n, Rounds& rounds) {
    Fields f(c_, n, "rounds", {"unit", "horizon"});
    if (!f.is_map()) return;
    if (auto* v = f.get("unit")) rounds.unit = c_.string(*v, f.sub("unit")).value_or(rounds.unit);
    if (auto* v = f.get("horizon")) {
      if (auto x = c_.number(*v, f.sub("horizon"), Range{1, kMaxHorizon, true})) {
        rounds.horizon = static_cast<int>(*x);
      }
    }
  }

  void read_protocol(const YNode& n, Protocol& p, const Rounds& rounds) {
    Fields f(c_, n, "protocol", {"rule", "walkout", "trust_gain", "text_noise"});
    if (!f.is_map()) return;
    if (auto* v = f.get("rule")) {
      if (auto s = c_.string(*v, f.sub("rule"))) {
        if (*s == "nash") {
          p.rule = TextRule::nash;
        } else if (*s == "compromise") {
          p.rule = TextRule::compromise;
        } else {
          c_.error(*v, f.sub("rule"),
                   "unknown text rule (got " + in_quotes(*s) + ", expected nash or compromise)");
        }
      }
    }
    if (auto* v = f.get("walkout")) {
      Fields w(c_, *v, f.sub("walkout"), {"patience", "hazard"});
      if (w.is_map()) {
        read_param_field(c_, w, "patience", Range{1, static_cast<double>(rounds.horizon), true},
                         p.walkout_patience);
        read_param_field(c_, w, "hazard", kProbability, p.walkout_hazard);
      }
    }
    read_param_field(c_, f, "trust_gain", kProbability, p.trust_gain);
    read_param_field(c_, f, "text_noise", Range{0, 1}, p.text_noise);
  }

  std::vector<Issue> read_issues(const YNode& n) {
    std::vector<Issue> out;
    for_each_named(
        c_, n, "issues", "issue names to issues",
        [&](const YNode& key, const YNode& value, const std::string& path) {
          Issue issue;
          issue.name = key.scalar;
          issue.loc = key.loc;
          Fields f(c_, value, path, {"unit", "range", "status_quo", "description", "levels"});
          if (!f.is_map()) {
            out.push_back(std::move(issue));
            return;
          }
          if (auto* v = f.get("description")) {
            issue.description = c_.string(*v, f.sub("description")).value_or("");
          }
          bool have_range = false;
          if (const YNode* lv = f.get("levels")) {
            // An issue of levels: its values are the levels' indices.
            have_range = read_levels(*lv, f.sub("levels"), issue);
            if (const YNode* r = f.get("range")) {
              c_.error(*r, f.sub("range"),
                       "an issue of levels has no range (its values are the levels "
                       "0 to " +
                           std::to_string(issue.levels.size() - 1) + ")");
            }
            issue.unit = "level";
            if (auto* v = f.get("unit")) {
              issue.unit = c_.string(*v, f.sub("unit")).value_or("level");
            }
            if (have_range) valid_ranges_.insert(issue.name);
          } else {
            if (auto* v = f.require("unit", "the unit of the issue's values")) {
              issue.unit = c_.string(*v, f.sub("unit")).value_or("");
            }
            if (auto* v = f.require("range", "[min, max]")) {
              if (auto r = read_numbers(c_, *v, f.sub("range"), 2, "[min, max]")) {
                if ((*r)[0] >= (*r)[1]) {
                  c_.error(*v, f.sub("range"),
                           "min >= max (got [" + format_number((*r)[0]) + ", " +
                               format_number((*r)[1]) + "], expected min < max)");
                } else {
                  issue.min = (*r)[0];
                  issue.max = (*r)[1];
                  have_range = true;
                  valid_ranges_.insert(issue.name);
                }
              }
            }
          }
          issue.status_quo = issue.min;
          if (auto* v = f.get("status_quo")) {
            if (have_range) {
              Range r = issue_range(issue);
              r.integer = !issue.levels.empty();
              if (auto x = c_.number(*v, f.sub("status_quo"), r)) issue.status_quo = *x;
            }
          }
          out.push_back(std::move(issue));
        });
    if (out.empty() && n.is_map()) {
      c_.error(n, "issues", "no issues (expected at least one)");
    }
    if (out.size() > kMaxIssues) {
      c_.error(n, "issues",
               "too many issues (got " + std::to_string(out.size()) + ", expected at most " +
                   std::to_string(kMaxIssues) + ")");
    }
    return out;
  }

  std::vector<Agent> read_agents(const YNode& n, const Scenario& s) {
    std::vector<Agent> out;
    // Agent names first: references between agents may point forward.
    agent_names_.clear();
    agent_roles_.clear();
    if (n.is_map()) {
      std::set<std::string> seen;
      for (const auto& [key, value] : n.entries) {
        if (key.is_scalar() && seen.insert(key.scalar).second) {
          agent_names_.push_back(key.scalar);
          agent_roles_.push_back(peek_role(value));
        }
      }
    }
    for (const auto& issue : s.issues) issue_names_.push_back(issue.name);
    for_each_named(c_, n, "agents", "agent names to agents",
                   [&](const YNode& key, const YNode& value, const std::string& path) {
                     out.push_back(read_agent(key, value, path, s));
                   });
    if (out.size() > kMaxAgents) {
      c_.error(n, "agents",
               "too many agents (got " + std::to_string(out.size()) + ", expected at most " +
                   std::to_string(kMaxAgents) + ")");
    }
    return out;
  }

  static std::optional<Role> parse_role(std::string_view s) {
    if (s == "principal") return Role::principal;
    if (s == "spoiler") return Role::spoiler;
    if (s == "enforcer") return Role::enforcer;
    if (s == "mediator") return Role::mediator;
    return std::nullopt;
  }

  static std::optional<Role> peek_role(const YNode& agent) {
    const YNode* r = agent.is_map() ? agent.find("role") : nullptr;
    if (!r || !r->is_scalar()) return std::nullopt;
    return parse_role(r->scalar);
  }

  /// The keys each role reads; any other known agent key is a mistake.
  static const std::vector<std::string>& role_keys(Role role) {
    static const std::vector<std::string> kPrincipal{
        "role",  "description", "capability", "risk",     "reservation", "trust", "trust_in",
        "ideal", "salience",    "red_lines",  "domestic", "influence",   "strike"};
    static const std::vector<std::string> kSpoiler{"role",  "description", "capability", "risk",
                                                   "ideal", "salience",    "influence",  "strike"};
    static const std::vector<std::string> kEnforcer{
        "role", "description", "capability", "risk", "ideal", "salience", "influence", "snapback"};
    static const std::vector<std::string> kMediator{"role",  "description", "bias",
                                                    "skill", "guarantee",   "leverage"};
    switch (role) {
      case Role::principal:
        return kPrincipal;
      case Role::spoiler:
        return kSpoiler;
      case Role::enforcer:
        return kEnforcer;
      case Role::mediator:
        return kMediator;
    }
    return kPrincipal;
  }

  /// The keys an agent of this role reads: its role's own and the blocks
  /// the mechanisms add for it.
  std::vector<std::string> keys_of(Role role) const {
    std::vector<std::string> keys = role_keys(role);
    for (const ExtensionBlock& b : extensions_) {
      if (std::find(b.roles.begin(), b.roles.end(), role) != b.roles.end()) keys.push_back(b.name);
    }
    return keys;
  }

  std::string roles_using(const std::string& key) const {
    std::vector<std::string> roles;
    for (Role r : {Role::principal, Role::spoiler, Role::enforcer, Role::mediator}) {
      const auto keys = keys_of(r);
      if (std::find(keys.begin(), keys.end(), key) != keys.end()) roles.push_back(to_string(r));
    }
    return detail::join_alternatives(roles);
  }

  Agent read_agent(const YNode& key, const YNode& value, const std::string& path,
                   const Scenario& s) {
    Agent a;
    a.name = key.scalar;
    a.loc = key.loc;
    const std::size_t n_issues = s.issues.size();
    a.ideal.assign(n_issues, std::nullopt);
    a.salience.assign(n_issues, Param(0.0));
    a.red_lines.assign(n_issues, RedLine{});
    for (std::size_t k = 0; k < n_issues; ++k) {
      a.salience[k].loc = key.loc;
    }
    const std::optional<Role> written_role = peek_role(value);
    std::vector<std::string> known{
        "role",     "description", "capability", "risk",      "reservation", "trust",
        "ideal",    "salience",    "red_lines",  "influence", "domestic",    "strike",
        "snapback", "bias",        "skill",      "trust_in",  "guarantee",   "leverage"};
    for (const ExtensionBlock& b : extensions_) {
      if (!b.roles.empty()) known.push_back(b.name);
    }
    const std::vector<std::string> suggest = written_role ? keys_of(*written_role) : known;
    Fields f(c_, value, path, known, &suggest);
    if (!f.is_map()) return a;

    std::optional<Role> role;
    if (auto* v = f.require("role", "principal, spoiler, enforcer or mediator")) {
      if (auto r = c_.string(*v, f.sub("role"))) {
        role = parse_role(*r);
        static const std::vector<std::string> kRoles{"principal", "spoiler", "enforcer",
                                                     "mediator"};
        if (!role) {
          const auto near = detail::closest_match(*r, kRoles);
          c_.error(*v, f.sub("role"),
                   "unknown role (got " + in_quotes(*r) +
                       (near ? ", did you mean \"" + *near + "\"?)"
                             : ", expected principal, spoiler, enforcer or mediator)"));
        }
      }
    }
    if (!role) return a;
    a.role = *role;
    const auto allowed = keys_of(a.role);
    for (const auto& [k, v] : value.entries) {
      if (!k.is_scalar() || std::find(allowed.begin(), allowed.end(), k.scalar) != allowed.end()) {
        continue;
      }
      const std::string users = roles_using(k.scalar);
      if (!users.empty()) {
        c_.error(k, f.sub(k.scalar),
                 "not used by " + with_article(to_string(a.role)) + " (applies to " + users +
                     " agents)");
      }
    }
    auto has = [&](const char* k) {
      return std::find(allowed.begin(), allowed.end(), k) != allowed.end();
    };

    if (auto* v = f.get("description")) {
      a.description = c_.string(*v, f.sub("description")).value_or("");
    }
    if (has("capability")) read_param_field(c_, f, "capability", kNonNegative, a.capability);
    if (has("risk")) read_param_field(c_, f, "risk", Range{0.25, 4}, a.risk);
    if (has("reservation")) {
      if (const YNode* v = f.get("reservation")) read_reservation(*v, f.sub("reservation"), a, s);
    }
    if (has("trust")) read_param_field(c_, f, "trust", kProbability, a.trust);
    if (has("trust_in")) {
      if (auto* v = f.get("trust_in")) {
        read_principal_map(*v, f.sub("trust_in"), a, "principal names to trust", a.trust_in);
      }
    }

    if (has("ideal")) {
      const YNode* ideal = a.role == Role::principal
                               ? f.require("ideal", "a mapping of issue names to positions")
                               : f.get("ideal");
      if (ideal) read_ideal(*ideal, f.sub("ideal"), a, s);
      const YNode* salience = f.require("salience", "a mapping of issue names to weights");
      if (salience) read_salience(*salience, f.sub("salience"), ideal, a);
    }
    if (has("red_lines")) {
      if (auto* v = f.get("red_lines")) read_red_lines(*v, f.sub("red_lines"), a, s);
    }
    if (has("influence")) {
      if (auto* v = f.get("influence")) {
        read_principal_map(*v, f.sub("influence"), a, "agent names to weights", a.influence);
      }
    }
    if (has("domestic")) {
      if (auto* v = f.get("domestic")) read_domestic(*v, f.sub("domestic"), a, s);
    }
    if (has("strike")) {
      if (auto* v = f.get("strike")) {
        Strike strike;
        Fields g(c_, *v, f.sub("strike"),
                 {"base", "sensitivity", "breakdown", "after_deadline", "drawn_in", "red_lines",
                  "counter"});
        read_param_field(c_, g, "base", kProbability, strike.base);
        read_param_field(c_, g, "sensitivity", Range{0, 10}, strike.sensitivity);
        read_param_field(c_, g, "breakdown", kProbability, strike.breakdown);
        read_param_field(c_, g, "after_deadline", Range{0, 100}, strike.after_deadline);
        read_param_field(c_, g, "drawn_in", Range{0, 100}, strike.drawn_in);
        read_param_field(c_, g, "red_lines", Range{0, 100}, strike.red_lines);
        read_param_field(c_, g, "counter", kProbability, strike.counter);
        a.strike = strike;
      }
    }
    if (has("snapback")) {
      if (auto* v = f.get("snapback")) read_snapback(*v, f.sub("snapback"), a, s);
    }
    if (has("bias")) {
      if (auto* v = f.get("bias")) {
        Fields g(c_, *v, f.sub("bias"), {"toward", "amount"});
        if (g.is_map()) {
          Bias bias;
          if (auto* t = g.require("toward", "the name of a principal")) {
            if (auto r = principal_ref(*t, g.sub("toward"), a.name)) bias.toward = *r;
          }
          read_param_field(c_, g, "amount", kProbability, bias.amount);
          a.bias = bias;
        }
      }
    }
    if (has("skill")) read_param_field(c_, f, "skill", kProbability, a.skill);
    if (has("guarantee")) read_param_field(c_, f, "guarantee", kProbability, a.guarantee);
    if (has("leverage")) {
      if (auto* v = f.get("leverage")) {
        read_principal_map(*v, f.sub("leverage"), a, "principal names to values", a.leverage);
      }
    }

    for (const ExtensionBlock& b : extensions_) {
      if (b.roles.empty() || !has(b.name.c_str())) continue;
      const YNode* v = f.get(b.name);
      if (v || b.always)
        a.extensions.emplace_back(b.name, read_block(b, v, key.loc, f.sub(b.name), a.name, s));
    }
    return a;
  }

  /// Whether a field left out takes a value: a list of issues the empty
  /// list, a choice its first word, a number its declared default.
  static bool has_default(const ExtensionField& f) {
    return f.type == FieldType::issues ||
           (f.type == FieldType::choice ? !f.choices.empty() : f.value.has_value());
  }

  /// Whether a block can be left out: every field has a default or is optional.
  static bool defaults_complete(const ExtensionBlock& b) {
    return std::all_of(b.fields.begin(), b.fields.end(),
                       [](const ExtensionField& f) { return f.optional || has_default(f); });
  }

  /// An extension block's fields, checked against their declared ranges,
  /// defaults filled in. `self`: the agent the block belongs to (empty for
  /// the talks); `n` null: the block was left out (defaults only, located
  /// at `left_out`, the agent or the file).
  ExtensionValues read_block(const ExtensionBlock& block, const YNode* n, const SourceLoc& left_out,
                             const std::string& path, const std::string& self, const Scenario& s) {
    ExtensionValues out;
    // A lone number or distribution in place of the block sets its shorthand field.
    const bool shorthand =
        n && !block.shorthand.empty() &&
        (n->is_scalar() ||
         (n->is_map() && n->entries.size() == 1 && n->entries.front().first.is_scalar() &&
          std::find(kDistributionKinds.begin(), kDistributionKinds.end(),
                    n->entries.front().first.scalar) != kDistributionKinds.end()));
    std::vector<std::string> names;
    for (const ExtensionField& field : block.fields) names.push_back(field.name);
    static const YNode kEmpty = [] {
      YNode e;
      e.kind = YNode::Kind::map;
      return e;
    }();
    const YNode& body = n && !shorthand ? *n : kEmpty;
    Fields g(c_, body, path, names);
    if (!g.is_map()) return out;
    for (const ExtensionField& field : block.fields) {
      ExtensionValue v;
      v.name = field.name;
      v.type = field.type;
      const YNode* given = shorthand && field.name == block.shorthand ? n : g.get(field.name);
      const SourceLoc at = n ? n->loc : left_out;
      if (!given) {
        if (field.optional) continue;
        if (!has_default(field)) {
          if (n) g.require(field.name, field.doc.empty() ? "a value" : field.doc);
          continue;
        }
      }
      // A shorthand value is reported where it was written, at the block.
      const std::string sub = given && given == n ? path : join_path(path, field.name);
      switch (field.type) {
        case FieldType::number: {
          double hi = field.max;
          if (field.max_from_horizon) hi = s.rounds.horizon + *field.max_from_horizon;
          const Range range{field.min, hi, field.whole};
          if (given) {
            auto p = read_param(c_, *given, sub, range);
            if (!p) continue;
            v.number = std::move(*p);
          } else {
            v.number = Param(std::min(*field.value, hi));
            v.number.loc = at;
          }
          break;
        }
        case FieldType::choice: {
          v.word = field.choices.front();
          if (given) {
            auto w = c_.string(*given, sub);
            if (!w) continue;
            if (std::find(field.choices.begin(), field.choices.end(), *w) == field.choices.end()) {
              const auto near = detail::closest_match(*w, field.choices);
              c_.error(*given, sub,
                       "unknown choice (got " + in_quotes(*w) +
                           (near ? ", did you mean \"" + *near + "\"?)"
                                 : ", expected " + detail::join_alternatives(field.choices) + ")"));
              continue;
            }
            v.word = *w;
          }
          break;
        }
        case FieldType::agent: {
          auto r = principal_ref(*given, sub, self);
          if (!r) continue;
          v.agent = *r;
          break;
        }
        case FieldType::issues: {
          if (!given) break;
          if (!given->is_sequence()) {
            c_.wrong_type(*given, sub, "a list of issue names");
            continue;
          }
          std::vector<std::string> issue_names;
          for (const Issue& issue : s.issues) issue_names.push_back(issue.name);
          for (std::size_t i = 0; i < given->items.size(); ++i) {
            const std::string item = join_path(sub, std::to_string(i));
            auto r = read_ref(c_, given->items[i], item, issue_names, "issue");
            if (!r) continue;
            if (std::any_of(v.issues.begin(), v.issues.end(),
                            [&](const Ref& x) { return x.name == r->name; })) {
              c_.error(given->items[i], item,
                       "issue listed twice (got " + in_quotes(r->name) + ")");
              continue;
            }
            v.issues.push_back(*r);
          }
          break;
        }
      }
      out.push_back(std::move(v));
    }
    return out;
  }

  /// `mechanisms:`: the blocks of the talks that mechanisms add.
  void read_mechanisms(const YNode& n, Scenario& s) {
    std::vector<std::string> names;
    for (const ExtensionBlock& b : extensions_) {
      if (b.roles.empty()) names.push_back(b.name);
    }
    for_each_named(
        c_, n, "mechanisms", "mechanism names to their fields",
        [&](const YNode& key, const YNode& value, const std::string& sub) {
          const auto it = std::find_if(
              extensions_.begin(), extensions_.end(),
              [&](const ExtensionBlock& b) { return b.roles.empty() && b.name == key.scalar; });
          if (it == extensions_.end()) {
            return unknown_name(c_, key, sub, names, "mechanism block");
          }
          s.extensions.emplace_back(key.scalar, read_block(*it, &value, value.loc, sub, "", s));
        });
  }

  void read_ideal(const YNode& n, const std::string& path, Agent& a, const Scenario& s) {
    for_each_named(c_, n, path, "issue names to positions",
                   [&](const YNode& key, const YNode& value, const std::string& sub) {
                     auto k = find_name(issue_names_, key.scalar);
                     if (!k) return unknown_name(c_, key, sub, issue_names_, "issue");
                     if (auto p = read_param(c_, value, sub, issue_range(s.issues[*k]))) {
                       a.ideal[*k] = *p;
                     }
                   });
    if (a.role == Role::principal && n.is_map()) {
      for (std::size_t k = 0; k < s.issues.size(); ++k) {
        if (!n.find(s.issues[k].name)) {
          c_.error(n, path,
                   "missing ideal for issue \"" + s.issues[k].name +
                       "\" (a principal needs a position on every issue)");
        }
      }
    }
  }

  void read_salience(const YNode& n, const std::string& path, const YNode* ideal_node, Agent& a) {
    bool any_positive = false;
    const std::size_t before = c_.count();
    for_each_named(c_, n, path, "issue names to weights",
                   [&](const YNode& key, const YNode& value, const std::string& sub) {
                     auto k = find_name(issue_names_, key.scalar);
                     if (!k) return unknown_name(c_, key, sub, issue_names_, "issue");
                     if (auto p = read_param(c_, value, sub, kNonNegative)) {
                       a.salience[*k] = *p;
                       if (p->support_max() > 0) any_positive = true;
                       // An ideal that was written but is invalid has been reported already.
                       const bool ideal_written =
                           ideal_node && ideal_node->is_map() && ideal_node->find(key.scalar);
                       // A principal's missing ideal is reported at its ideal.
                       if (!ideal_written && a.role != Role::principal && p->support_max() > 0) {
                         c_.error(key, sub,
                                  "salience on an issue without an ideal (add ideal." + key.scalar +
                                      " or drop this weight)");
                       }
                     }
                   });
    if (n.is_map() && !any_positive && c_.count() == before) {
      c_.error(n, path, "all saliences are zero (expected at least one positive weight)");
    }
  }

  /// An issue's levels: at least two names, none twice. Sets its range.
  bool read_levels(const YNode& n, const std::string& path, Issue& issue) {
    if (!n.is_sequence() || n.items.size() < 2) {
      c_.wrong_type(n, path, "a list of at least two level names, in order");
      broken_levels_.insert(issue.name);
      return false;
    }
    const std::size_t before = c_.count();
    for (std::size_t i = 0; i < n.items.size(); ++i) {
      const std::string at = join_path(path, std::to_string(i));
      auto name = c_.string(n.items[i], at);
      if (!name) continue;
      if (!c_.valid_name(n.items[i], at)) continue;
      if (std::find(issue.levels.begin(), issue.levels.end(), *name) != issue.levels.end()) {
        c_.error(n.items[i], at, "level listed twice (got " + in_quotes(*name) + ")");
        continue;
      }
      issue.levels.push_back(*name);
    }
    if (c_.count() != before) {
      broken_levels_.insert(issue.name);
      return false;
    }
    issue.min = 0;
    issue.max = static_cast<double>(issue.levels.size() - 1);
    return true;
  }

  /// `texts:`: named texts in the issues' units.
  std::vector<NamedText> read_texts(const YNode& n, const Scenario& s) {
    std::vector<NamedText> out;
    std::vector<std::string> issue_names;
    for (const Issue& issue : s.issues) issue_names.push_back(issue.name);
    for_each_named(c_, n, "texts", "text names to {issue: value}",
                   [&](const YNode& key, const YNode& value, const std::string& path) {
                     if (key.scalar == "status_quo") {
                       c_.error(key, path,
                                "reserved name (a reservation's `of: status_quo` means the "
                                "issues' status quo; give this text another name)");
                     }
                     NamedText text;
                     text.name = key.scalar;
                     text.loc = key.loc;
                     text.values.assign(s.issues.size(), std::nullopt);
                     for_each_named(c_, value, path, "issue names to values",
                                    [&](const YNode& k, const YNode& v, const std::string& sub) {
                                      auto i = find_name(issue_names, k.scalar);
                                      if (!i) return unknown_name(c_, k, sub, issue_names, "issue");
                                      if (auto x = c_.number(v, sub, issue_range(s.issues[*i]))) {
                                        text.values[*i] = *x;
                                      }
                                    });
                     out.push_back(std::move(text));
                   });
    return out;
  }

  /// A reservation: a number or distribution on the utility scale, or
  /// `{of: status_quo | TEXT, plus: OFFSET}`.
  void read_reservation(const YNode& n, const std::string& path, Agent& a, const Scenario& s) {
    if (n.is_map() && !n.find("of") && n.find("plus")) {
      c_.error(n, path,
               "a relative reservation needs `of` (got plus without it, expected {of: "
               "status_quo, plus: D} or {of: TEXT, plus: D})");
      return;
    }
    if (!n.is_map() || !n.find("of")) {
      if (auto p = read_param(c_, n, path, kProbability)) a.reservation = std::move(*p);
      return;
    }
    Fields f(c_, n, path, {"of", "plus"});
    ReservationAnchor anchor;
    if (const YNode* of = f.get("of")) {
      std::vector<std::string> names{"status_quo"};
      for (const NamedText& t : s.texts) names.push_back(t.name);
      if (auto r = read_ref(c_, *of, f.sub("of"), names, "text")) {
        if (r->index > 0) anchor.text = Ref{r->name, r->index - 1, r->loc};
      }
    }
    read_param_field(c_, f, "plus", Range{-1, 1}, anchor.plus);
    a.reservation_of = std::move(anchor);
  }

  void read_red_lines(const YNode& n, const std::string& path, Agent& a, const Scenario& s) {
    for_each_named(
        c_, n, path, "issue names to {min, max}",
        [&](const YNode& key, const YNode& value, const std::string& sub) {
          auto k = find_name(issue_names_, key.scalar);
          if (!k) return unknown_name(c_, key, sub, issue_names_, "issue");
          const Issue& issue = s.issues[*k];
          Fields f(c_, value, sub, {"min", "max"});
          if (!f.is_map()) return;
          RedLine line;
          if (auto* v = f.get("min"))
            line.min = read_param(c_, *v, f.sub("min"), issue_range(issue));
          if (auto* v = f.get("max"))
            line.max = read_param(c_, *v, f.sub("max"), issue_range(issue));
          if (!f.get("min") && !f.get("max")) {
            c_.error(value, sub, "empty red line (expected min, max or both)");
            return;
          }
          auto bound = [](const Param& p) {
            return p.is_constant() ? format_number(p.value()) : support_text(p);
          };
          // Every draw must be consistent, not just the typical one.
          if (line.min && line.max && line.min->support_max() > line.max->support_min()) {
            c_.error(value, sub,
                     "min > max (got min " + bound(*line.min) + ", max " + bound(*line.max) +
                         ", expected min <= max in every draw)");
            return;
          }
          a.red_lines[*k] = line;
          // An agent cannot rule out its own ideal.
          if (const auto& ideal = a.ideal[*k]) {
            const bool below = line.min && ideal->support_min() < line.min->support_max();
            const bool above = line.max && ideal->support_max() > line.max->support_min();
            if (below || above) {
              c_.error(value, sub,
                       "red line excludes the agent's own ideal (ideal " + bound(*ideal) +
                           ", red line " + (line.min ? ">= " + bound(*line.min) : "") +
                           (line.min && line.max ? " and " : "") +
                           (line.max ? "<= " + bound(*line.max) : "") + ")");
            }
          }
        });
  }

  /// A mapping from principals (not the agent itself) to params in [0, 1]:
  /// `influence`, `trust_in`, `leverage`.
  template <class Entry>
  void read_principal_map(const YNode& n, const std::string& path, const Agent& a, const char* what,
                          std::vector<Entry>& out) {
    for_each_named(c_, n, path, what,
                   [&](const YNode& key, const YNode& value, const std::string& sub) {
                     auto principal = principal_ref(key, sub, a.name);
                     auto param = read_param(c_, value, sub, kProbability);
                     if (principal && param) out.push_back(Entry{*principal, *param});
                   });
  }

  void read_domestic(const YNode& n, const std::string& path, Agent& a, const Scenario& s) {
    Fields f(c_, n, path,
             {"caps", "ratification", "pressure", "unrest", "leadership", "successor"});
    if (!f.is_map()) return;
    Domestic d;
    if (auto* v = f.get("caps")) {
      for_each_named(c_, *v, f.sub("caps"), "issue names to limits",
                     [&](const YNode& key, const YNode& value, const std::string& sub) {
                       auto k = find_name(issue_names_, key.scalar);
                       if (!k) return unknown_name(c_, key, sub, issue_names_, "issue");
                       // A number or distribution is a ceiling; {max: ..., min: ...}
                       // gives a ceiling, a floor or both.
                       const Range range = issue_range(s.issues[*k]);
                       Cap cap{Ref{key.scalar, *k, key.loc}, std::nullopt, std::nullopt};
                       const bool bounds =
                           value.is_map() && !value.entries.empty() &&
                           std::all_of(
                               value.entries.begin(), value.entries.end(), [](const auto& e) {
                                 return e.first.is_scalar() &&
                                        (e.first.scalar == "min" || e.first.scalar == "max");
                               });
                       if (bounds) {
                         Fields g(c_, value, sub, {"min", "max"});
                         if (auto* m = g.get("max"))
                           cap.max = read_param(c_, *m, g.sub("max"), range);
                         if (auto* m = g.get("min"))
                           cap.min = read_param(c_, *m, g.sub("min"), range);
                         if (cap.max || cap.min) d.caps.push_back(cap);
                         return;
                       }
                       if (auto p = read_param(c_, value, sub, range)) {
                         cap.max = *p;
                         d.caps.push_back(cap);
                       }
                     });
    }
    read_param_field(c_, f, "ratification", kProbability, d.ratification);
    read_param_field(c_, f, "pressure", kProbability, d.pressure);
    read_param_field(c_, f, "unrest", kProbability, d.unrest);
    read_param_field(c_, f, "leadership", kProbability, d.leadership);
    if (auto* v = f.get("successor")) {
      for_each_named(c_, *v, f.sub("successor"), "issue names to positions",
                     [&](const YNode& key, const YNode& value, const std::string& sub) {
                       auto k = find_name(issue_names_, key.scalar);
                       if (!k) return unknown_name(c_, key, sub, issue_names_, "issue");
                       if (auto p = read_param(c_, value, sub, issue_range(s.issues[*k]))) {
                         d.successor.emplace_back(Ref{key.scalar, *k, key.loc}, *p);
                       }
                     });
    }
    a.domestic = std::move(d);
  }

  void read_snapback(const YNode& n, const std::string& path, Agent& a, const Scenario& s) {
    Fields f(c_, n, path, {"deadline", "progress_below", "target", "targets"});
    if (!f.is_map()) return;
    Snapback sb;
    // Required: a default deadline could fall beyond the horizon and never
    // fire. Progress is judged once `deadline` rounds have passed, so the
    // last deadline that can fire is horizon - 1.
    if (auto* v = f.require("deadline", "the number of rounds after which progress is judged")) {
      if (auto p = read_param(c_, *v, f.sub("deadline"),
                              Range{0, static_cast<double>(s.rounds.horizon - 1), true})) {
        sb.deadline = *p;
      }
    }
    read_param_field(c_, f, "progress_below", kProbability, sb.progress_below);
    const YNode* many = f.get("targets");
    if (many) {
      if (const YNode* one = f.get("target")) {
        c_.error(*one, f.sub("target"),
                 "give either target or targets, not both (targets names each principal with "
                 "its own effects)");
      }
      for_each_named(c_, *many, f.sub("targets"), "principal names to effects",
                     [&](const YNode& key, const YNode& value, const std::string& sub) {
                       auto r = principal_ref(key, sub, a.name);
                       Fields g(c_, value, sub, {"reservation_drop", "walkout_hazard", "pressure"});
                       if (!r || !g.is_map()) return;
                       SnapbackTarget st{*r, std::nullopt, std::nullopt, std::nullopt};
                       auto field = [&](const char* name, std::optional<Param>& out) {
                         if (auto* v = g.get(name))
                           out = read_param(c_, *v, g.sub(name), kProbability);
                       };
                       field("reservation_drop", st.reservation_drop);
                       field("walkout_hazard", st.walkout_hazard);
                       field("pressure", st.pressure);
                       sb.targets.push_back(st);
                     });
    } else if (auto* t = f.require("target", "the principal whose sanctions return")) {
      if (auto r = principal_ref(*t, f.sub("target"), a.name)) sb.target = *r;
    }
    a.snapback = sb;
  }

  /// A reference to another agent that must be a principal.
  std::optional<Ref> principal_ref(const YNode& n, const std::string& path,
                                   const std::string& self) {
    auto r = read_ref(c_, n, path, agent_names_, "agent");
    if (!r) return std::nullopt;
    if (r->name == self) {
      c_.error(n, path, "an agent cannot refer to itself (got " + in_quotes(self) + ")");
      return std::nullopt;
    }
    const auto role = agent_roles_[r->index];
    if (role && *role != Role::principal) {
      c_.error(n, path,
               "not a principal (got " + in_quotes(r->name) + ", whose role is " +
                   to_string(*role) + ")");
      return std::nullopt;
    }
    return r;
  }

  void read_deals(const YNode& n, Scenario& s) {
    Fields f(c_, n, "deals", {"interim"});
    if (!f.is_map()) return;
    const YNode* interim = f.get("interim");
    if (!interim) return;
    Fields g(c_, *interim, f.sub("interim"), {"issues"});
    if (!g.is_map()) return;
    const YNode* list = g.require("issues", "a list of the issues an interim deal settles");
    if (!list) return;
    if (!list->is_sequence() || list->items.empty()) {
      c_.wrong_type(*list, g.sub("issues"), "a non-empty list of issue names");
      return;
    }
    std::set<std::string> seen;
    for (std::size_t i = 0; i < list->items.size(); ++i) {
      const std::string sub = join_path(g.sub("issues"), std::to_string(i));
      auto r = read_ref(c_, list->items[i], sub, issue_names_, "issue");
      if (!r) continue;
      if (!seen.insert(r->name).second) {
        c_.error(list->items[i], sub, "issue listed twice (got " + in_quotes(r->name) + ")");
        continue;
      }
      s.deals.interim.push_back(*r);
    }
    if (!s.issues.empty() && seen.size() == s.issues.size()) {
      c_.error(*list, g.sub("issues"),
               "an interim deal must leave at least one issue open (got all " +
                   std::to_string(s.issues.size()) + " issues)");
    }
  }

  void read_events(const YNode& n, Events& e) {
    Fields f(c_, n, "events", {"strike", "snapback", "unrest", "leadership", "ratification"});
    if (!f.is_map()) return;
    if (auto* v = f.get("strike")) {
      Fields g(c_, *v, f.sub("strike"), {"trust_shock"});
      read_param_field(c_, g, "trust_shock", kProbability, e.strike_trust_shock);
    }
    if (auto* v = f.get("snapback")) {
      Fields g(c_, *v, f.sub("snapback"), {"reservation_drop", "walkout_hazard"});
      read_param_field(c_, g, "reservation_drop", kProbability, e.snapback_reservation_drop);
      read_param_field(c_, g, "walkout_hazard", kProbability, e.snapback_walkout_hazard);
    }
    if (auto* v = f.get("unrest")) {
      Fields g(c_, *v, f.sub("unrest"), {"pressure"});
      read_param_field(c_, g, "pressure", kProbability, e.unrest_pressure);
    }
    if (auto* v = f.get("leadership")) {
      Fields g(c_, *v, f.sub("leadership"), {"shift"});
      read_param_field(c_, g, "shift", kProbability, e.leadership_shift);
    }
    if (auto* v = f.get("ratification")) {
      Fields g(c_, *v, f.sub("ratification"), {"on_failure", "trust_shock"});
      if (auto* o = g.get("on_failure")) {
        if (auto str = c_.string(*o, g.sub("on_failure"))) {
          if (*str == "resume") {
            e.ratification_failure = RatificationFailure::resume;
          } else if (*str == "phase") {
            e.ratification_failure = RatificationFailure::phase;
          } else {
            c_.error(*o, g.sub("on_failure"),
                     "unknown choice (got " + in_quotes(*str) + ", expected resume or phase)");
          }
        }
      }
      read_param_field(c_, g, "trust_shock", kProbability, e.ratification_trust_shock);
    }
  }

  /// Whole-scenario checks: who is at the table.
  void check_cast(const YNode& agents) {
    // Count what was written, so an agent with another problem (an invalid
    // name, say) is not reported a second time as missing.
    std::size_t principals = 0;
    for (const auto& role : agent_roles_) {
      principals += role == Role::principal;
    }
    if (agent_names_.size() < 2) {
      c_.error(
          agents, "agents",
          "too few agents (got " + std::to_string(agent_names_.size()) + ", expected at least 2)");
    } else if (principals < 2) {
      c_.error(agents, "agents",
               "too few principals (got " + std::to_string(principals) +
                   ", expected at least 2 agents with role: principal)");
    }
  }

  /// The values an issue may take; any number while its own range is invalid
  /// (that is reported once, at the range, not again at every position).
  Range issue_range(const Issue& issue) const {
    if (!valid_ranges_.count(issue.name)) {
      Range any = kAnyNumber;
      any.any_level = broken_levels_.count(issue.name) > 0;
      return any;
    }
    Range r{issue.min, issue.max, false, issue.unit};
    if (!issue.levels.empty()) r.levels = &issue.levels;
    return r;
  }

  Checker& c_;
  const std::vector<ExtensionBlock>& extensions_;
  std::set<std::string> valid_ranges_;
  std::set<std::string> broken_levels_;  ///< issues whose levels are invalid (reported there)
  std::vector<std::string> issue_names_;
  std::vector<std::string> agent_names_;
  std::vector<std::optional<Role>> agent_roles_;
};

/// Validates a tree whose bases are resolved, with the overrides applied.
Scenario load_resolved(YNode root, const std::string& path, const LoadOptions& options) {
  Checker checker;
  for (const auto& o : options.overrides) {
    apply_override(root, o, options.limits,
                   options.extensions ? *options.extensions : standard_fields(),
                   checker.diagnostics());
  }
  Loader loader(checker, options.extensions ? *options.extensions : standard_fields());
  Scenario s = loader.read(root);
  if (!checker.ok()) {
    sort_by_position(checker.diagnostics(), path);
    throw ScenarioError(std::move(checker.diagnostics()));
  }
  return s;
}

Scenario load_tree(YNode root, const std::string& path, const LoadOptions& options) {
  std::vector<std::string> chain;
  return load_resolved(resolve_base(std::move(root), path, chain, options.limits,
                                    options.extensions ? *options.extensions : standard_fields()),
                       path, options);
}

}  // namespace

Scenario load_scenario(const std::string& path, const LoadOptions& options) {
  return load_tree(detail::parse_yaml_file(path, options.limits), path, options);
}

ScenarioSource read_scenario_source(const std::string& path, const detail::ParseLimits& limits,
                                    std::optional<std::vector<ExtensionBlock>> extensions) {
  return scenario_source_text(detail::read_text_file(path, limits), path, limits,
                              std::move(extensions));
}

ScenarioSource scenario_source_text(std::string text, const std::string& origin,
                                    const detail::ParseLimits& limits,
                                    std::optional<std::vector<ExtensionBlock>> extensions) {
  ScenarioSource source{origin, std::move(text), {}, limits, std::move(extensions)};
  YNode root = detail::parse_yaml_text(source.bytes, origin, limits, true);
  if (root.is_null()) {
    throw ScenarioError(
        {Diagnostic{SourceLoc{origin, 1, 1}, "", "file is empty (expected a scenario mapping)"}});
  }
  std::vector<std::string> chain;
  source.tree = resolve_base(std::move(root), origin, chain, limits,
                             source.extensions ? *source.extensions : standard_fields());
  return source;
}

Scenario load_scenario(const ScenarioSource& source, const std::vector<Override>& overrides) {
  return load_resolved(source.tree, source.path,
                       LoadOptions{overrides, source.limits, source.extensions});
}

Scenario load_scenario_text(std::string_view yaml, const std::string& origin,
                            const LoadOptions& options) {
  YNode root = detail::parse_yaml_text(yaml, origin, options.limits, true);
  if (root.is_null()) {
    throw ScenarioError(
        {Diagnostic{SourceLoc{origin, 1, 1}, "", "file is empty (expected a scenario mapping)"}});
  }
  return load_tree(std::move(root), origin, options);
}

}  // namespace negsim
