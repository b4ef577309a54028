#include "negsim/classic.hpp"

#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "negsim/detail/happens_before.hpp"
#include "negsim/detail/overloaded.hpp"
#include "negsim/detail/sample.hpp"
#include "negsim/detail/text.hpp"
#include "negsim/detail/yaml_check.hpp"
#include "negsim/detail/yaml_tree.hpp"
#include "negsim/rng.hpp"

namespace negsim::classic {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// One field of a delimited line, with the column it starts at (1-based).
struct Field {
  std::string text;
  int column = 1;
};

/// Splits a line at `sep` outside quotes ('...' or "..."), trimming blanks
/// and dropping the quotes. A trailing separator gives no empty last field.
std::vector<Field> split(const std::string& line, const std::string& seps) {
  std::vector<Field> out;
  std::size_t i = 0;
  const std::size_t n = line.size();
  while (i <= n) {
    Field f;
    while (i < n && (line[i] == ' ' || line[i] == '\t') &&
           seps.find(line[i]) == std::string::npos) {
      ++i;
    }
    f.column = static_cast<int>(i) + 1;
    if (i < n && (line[i] == '"' || line[i] == '\'')) {
      const char q = line[i++];
      while (i < n && line[i] != q) f.text += line[i++];
      if (i < n) ++i;
      while (i < n && seps.find(line[i]) == std::string::npos) ++i;
    } else {
      while (i < n && seps.find(line[i]) == std::string::npos) f.text += line[i++];
      while (!f.text.empty() && (f.text.back() == ' ' || f.text.back() == '\r')) f.text.pop_back();
    }
    const bool at_end = i >= n;
    if (!(at_end && f.text.empty() && !out.empty())) out.push_back(f);
    if (at_end) break;
    ++i;  // the separator
  }
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(line);
  }
  return out;
}

class Problems {
 public:
  explicit Problems(std::string file) : file_(std::move(file)) {}
  void add(int line, int column, const std::string& path, const std::string& message) {
    list_.push_back(Diagnostic{SourceLoc{file_, line, column}, path, message});
  }
  /// A number from a field, or an error naming it.
  std::optional<double> number(const Field& f, int line, const std::string& path,
                               double lo = -std::numeric_limits<double>::infinity()) {
    char* end = nullptr;
    const double x = std::strtod(f.text.c_str(), &end);
    if (f.text.empty() || *end != '\0' || !std::isfinite(x)) {
      add(line, f.column, path, "not a number (got " + detail::in_quotes(f.text) + ")");
      return std::nullopt;
    }
    if (x < lo) {
      add(line, f.column, path,
          "out of range (got " + f.text + ", expected at least " + detail::format_number(lo) + ")");
      return std::nullopt;
    }
    return x;
  }
  void throw_if_any() {
    if (list_.empty()) return;
    std::stable_sort(list_.begin(), list_.end(), [](const Diagnostic& a, const Diagnostic& b) {
      return std::pair(a.loc.line, a.loc.column) < std::pair(b.loc.line, b.loc.column);
    });
    throw ScenarioError(std::move(list_));
  }

 private:
  std::string file_;
  std::vector<Diagnostic> list_;
};

double mean_of(const Param& p) {
  return std::visit(detail::Overloaded{
                        [](const Constant& c) { return c.value; },
                        [](const Uniform& u) { return (u.min + u.max) / 2; },
                        [](const Normal& d) {
                          const double a = d.min ? (*d.min - d.mean) / d.sd : -INFINITY;
                          const double b = d.max ? (*d.max - d.mean) / d.sd : INFINITY;
                          auto pdf = [](double z) {
                            return std::isfinite(z) ? std::exp(-z * z / 2) / std::sqrt(2 * M_PI)
                                                    : 0.0;
                          };
                          auto cdf = [](double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); };
                          const double mass = cdf(b) - cdf(a);
                          return mass > 0 ? d.mean + d.sd * (pdf(a) - pdf(b)) / mass : d.mean;
                        },
                        [](const Beta& d) { return d.min + (d.max - d.min) * d.a / (d.a + d.b); },
                        [](const Triangular& d) { return (d.min + d.mode + d.max) / 3; },
                        [](const Choice& d) {
                          double total = 0, weight = 0;
                          for (std::size_t i = 0; i < d.values.size(); ++i) {
                            const double w = d.weights.empty() ? 1.0 : d.weights[i];
                            total += w * d.values[i];
                            weight += w;
                          }
                          return weight > 0 ? total / weight : kNaN;
                        },
                    },
                    p.dist);
}

}  // namespace

ActorTable read_ktab_csv(const std::string& text, const std::string& origin) {
  ActorTable t;
  t.file = origin;
  t.format = "ktab";
  Problems problems(origin);
  const auto lines = lines_of(text);
  if (lines.size() < 2) {
    problems.add(1, 1, "",
                 "too short for KTAB's CSV (expected a line name,desc,nActors,nDims, a header, "
                 "then one line per actor)");
    problems.throw_if_any();
  }
  const auto first = split(lines[0], ",");
  std::size_t n_actors = 0, n_dims = 0;
  if (first.size() < 4) {
    problems.add(
        1, 1, "",
        "expected name,desc,nActors,nDims (got " + std::to_string(first.size()) + " fields)");
    problems.throw_if_any();
  }
  t.name = first[0].text;
  t.description = first[1].text;
  if (auto a = problems.number(first[2], 1, "nActors", 1)) n_actors = static_cast<std::size_t>(*a);
  if (auto d = problems.number(first[3], 1, "nDims", 1)) n_dims = static_cast<std::size_t>(*d);
  problems.throw_if_any();
  const auto header = split(lines[1], ",");
  const std::size_t width = 3 + 2 * n_dims;
  if (header.size() != width) {
    problems.add(2, 1, "header",
                 "expected " + std::to_string(width) +
                     " columns (Actor, Description, Power, then Pstn and Sal for each of " +
                     std::to_string(n_dims) + " dimensions; got " + std::to_string(header.size()) +
                     ")");
    problems.throw_if_any();
  }
  for (std::size_t d = 0; d < n_dims; ++d) t.dimensions.push_back(header[3 + 2 * d].text);
  t.lo.assign(n_dims, kNaN);
  t.hi.assign(n_dims, kNaN);
  std::size_t line_no = 2;
  for (std::size_t i = 2; i < lines.size(); ++i) {
    ++line_no;
    if (lines[i].find_first_not_of(" ,\t") == std::string::npos) continue;
    const auto f = split(lines[i], ",");
    const int ln = static_cast<int>(line_no);
    if (f.size() != width) {
      problems.add(
          ln, 1, "actors",
          "expected " + std::to_string(width) + " fields (got " + std::to_string(f.size()) + ")");
      continue;
    }
    Actor a;
    a.name = f[0].text;
    a.description = f[1].text;
    a.at = SourceLoc{origin, ln, 1};
    const std::string path = "actors." + a.name;
    if (auto c = problems.number(f[2], ln, path + ".capability", 0)) a.capability = *c;
    for (std::size_t d = 0; d < n_dims; ++d) {
      const auto p = problems.number(f[3 + 2 * d], ln, path + "." + t.dimensions[d] + ".position");
      const auto s =
          problems.number(f[4 + 2 * d], ln, path + "." + t.dimensions[d] + ".salience", 0);
      a.position.push_back(p.value_or(kNaN));
      a.salience.push_back(s.value_or(kNaN));
    }
    t.actors.push_back(std::move(a));
  }
  if (t.actors.size() != n_actors) {
    problems.add(1, first[2].column, "nActors",
                 "the file says " + std::to_string(n_actors) + " actors but lists " +
                     std::to_string(t.actors.size()));
  }
  problems.throw_if_any();
  return t;
}

ActorTable read_bdm_csv(const std::string& text, const std::string& origin) {
  ActorTable t;
  t.file = origin;
  t.format = "bdm";
  t.dimensions = {"position"};
  t.lo = {kNaN};
  t.hi = {kNaN};
  Problems problems(origin);
  const auto lines = lines_of(text);
  const auto header = lines.empty() ? std::vector<Field>{} : split(lines[0], ",");
  const std::vector<std::string> want{"Actor", "Capability", "Position", "Salience"};
  bool ok = header.size() == want.size();
  for (std::size_t i = 0; ok && i < want.size(); ++i) ok = header[i].text == want[i];
  if (!ok) {
    problems.add(1, 1, "header", "expected Actor,Capability,Position,Salience");
    problems.throw_if_any();
  }
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].find_first_not_of(" ,\t") == std::string::npos) continue;
    const int ln = static_cast<int>(i) + 1;
    const auto f = split(lines[i], ",");
    if (f.size() != 4) {
      problems.add(ln, 1, "actors", "expected 4 fields (got " + std::to_string(f.size()) + ")");
      continue;
    }
    Actor a;
    a.name = f[0].text;
    a.at = SourceLoc{origin, ln, 1};
    const std::string path = "actors." + a.name;
    a.capability = problems.number(f[1], ln, path + ".capability", 0).value_or(kNaN);
    a.position = {problems.number(f[2], ln, path + ".position").value_or(kNaN)};
    a.salience = {problems.number(f[3], ln, path + ".salience", 0).value_or(kNaN)};
    t.actors.push_back(std::move(a));
  }
  if (t.actors.empty()) problems.add(1, 1, "actors", "no actors (expected one line per actor)");
  problems.throw_if_any();
  return t;
}

ActorTable read_decide(const std::string& text, const std::string& origin) {
  ActorTable t;
  t.file = origin;
  t.format = "decide";
  Problems problems(origin);
  std::map<std::string, std::size_t> actor_index, issue_index;
  std::vector<std::vector<double>> scale;  // per issue, the #M values
  struct Row {
    std::string actor, issue;
    double position, salience, power;
    int line;
    int column, position_column;
  };
  std::vector<Row> rows;
  const auto lines = lines_of(text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const int ln = static_cast<int>(i) + 1;
    if (lines[i].find_first_not_of(" \t;,") == std::string::npos) continue;
    const std::string seps = lines[i].find('\t') != std::string::npos ? "\t" : ";,";
    const auto f = split(lines[i], seps);
    const std::string kind = f.empty() ? "" : f[0].text;
    if (kind == "#/") continue;  // a comment
    if (kind == "#O") {          // the model's title
      if (f.size() > 1) t.name = f[1].text;
      continue;
    }
    if (kind == "#A") {
      if (f.size() < 2) {
        problems.add(ln, 1, "#A", "expected #A NAME [FULL NAME] [COMMENT]");
        continue;
      }
      if (!actor_index.emplace(f[1].text, t.actors.size()).second) {
        problems.add(ln, f[1].column, "#A",
                     "actor declared twice (got " + detail::in_quotes(f[1].text) + ")");
        continue;
      }
      Actor a;
      a.name = f[1].text;
      a.description = f.size() > 2 ? f[2].text : "";
      a.at = SourceLoc{origin, ln, 1};
      t.actors.push_back(std::move(a));
    } else if (kind == "#P") {
      if (f.size() < 2) {
        problems.add(ln, 1, "#P", "expected #P ISSUE [NAME] [DESCRIPTION]");
        continue;
      }
      if (!issue_index.emplace(f[1].text, t.dimensions.size()).second) {
        problems.add(ln, f[1].column, "#P",
                     "issue declared twice (got " + detail::in_quotes(f[1].text) + ")");
        continue;
      }
      t.dimensions.push_back(f[1].text);
      scale.emplace_back();
    } else if (kind == "#M") {
      if (f.size() < 3) {
        problems.add(ln, 1, "#M", "expected #M ISSUE VALUE");
        continue;
      }
      const auto it = issue_index.find(f[1].text);
      if (it == issue_index.end()) {
        problems.add(
            ln, f[1].column, "#M",
            "unknown issue (got " + detail::in_quotes(f[1].text) + "; declare it with #P first)");
        continue;
      }
      if (auto x = problems.number(f[2], ln, "#M." + f[1].text)) scale[it->second].push_back(*x);
    } else if (kind == "#D") {
      if (f.size() < 6) {
        problems.add(ln, 1, "#D",
                     "expected #D ACTOR ISSUE POSITION SALIENCE POWER (got " +
                         std::to_string(f.size()) + " fields)");
        continue;
      }
      Row r{f[1].text, f[2].text, 0, 0, 0, ln, f[1].column, f[3].column};
      const std::string path = "#D." + r.actor + "." + r.issue;
      const auto p = problems.number(f[3], ln, path + ".position");
      const auto s = problems.number(f[4], ln, path + ".salience", 0);
      const auto w = problems.number(f[5], ln, path + ".power", 0);
      if (!p || !s || !w) continue;
      r.position = *p;
      r.salience = *s;
      r.power = *w;
      rows.push_back(r);
    } else {
      problems.add(
          ln, f.empty() ? 1 : f[0].column, "",
          "unknown row (got " + detail::in_quotes(kind) + ", expected #A, #P, #M, #D, #O or #/)");
    }
  }
  const std::size_t n = t.dimensions.size();
  for (Actor& a : t.actors) {
    a.position.assign(n, kNaN);
    a.salience.assign(n, 0);
    a.power.assign(n, 0);
  }
  // Each issue's scale: its lowest and highest #M values (decide: 0 to 100
  // when there are none).
  for (std::size_t k = 0; k < n; ++k) {
    if (scale[k].empty()) {
      t.lo.push_back(0);
      t.hi.push_back(100);
    } else {
      t.lo.push_back(*std::min_element(scale[k].begin(), scale[k].end()));
      t.hi.push_back(*std::max_element(scale[k].begin(), scale[k].end()));
    }
  }
  std::vector<std::vector<bool>> seen(t.actors.size(), std::vector<bool>(n, false));
  for (const Row& r : rows) {
    const auto a = actor_index.find(r.actor);
    const auto k = issue_index.find(r.issue);
    if (a == actor_index.end()) {
      problems.add(
          r.line, r.column, "#D",
          "unknown actor (got " + detail::in_quotes(r.actor) + "; declare it with #A first)");
      continue;
    }
    if (k == issue_index.end()) {
      problems.add(
          r.line, r.column, "#D",
          "unknown issue (got " + detail::in_quotes(r.issue) + "; declare it with #P first)");
      continue;
    }
    Actor& actor = t.actors[a->second];
    if (seen[a->second][k->second]) {
      problems.add(r.line, r.column, "#D", "a second position of " + r.actor + " on " + r.issue);
      continue;
    }
    seen[a->second][k->second] = true;
    if (r.position < t.lo[k->second] || r.position > t.hi[k->second]) {
      problems.add(r.line, r.position_column, "#D." + r.actor + "." + r.issue + ".position",
                   "outside the issue's scale (got " + detail::format_number(r.position) +
                       ", expected " + detail::format_number(t.lo[k->second]) + " to " +
                       detail::format_number(t.hi[k->second]) + ")");
    }
    actor.position[k->second] = r.position;
    actor.salience[k->second] = r.salience;
    // decide gives power issue by issue.
    actor.power[k->second] = r.power;
    if (actor.capability == 0) actor.capability = r.power;
  }
  if (t.actors.empty()) problems.add(1, 1, "#A", "no actors (expected #A rows)");
  if (n == 0) problems.add(1, 1, "#P", "no issues (expected #P rows)");
  problems.throw_if_any();
  return t;
}

ActorTable read_actor_table(const std::string& path) {
  const std::string text = detail::read_text_file(path);
  const auto lines = lines_of(text);
  const std::string first = lines.empty() ? "" : lines[0];
  if (first.rfind("'#", 0) == 0 || first.rfind("#", 0) == 0 || first.rfind("\"#", 0) == 0) {
    return read_decide(text, path);
  }
  if (first.rfind("Actor,Capability,Position,Salience", 0) == 0) return read_bdm_csv(text, path);
  if (split(first, ",").size() >= 4) return read_ktab_csv(text, path);
  throw ScenarioError({Diagnostic{SourceLoc{path, 1, 1}, "",
                                  "not an actor table (expected KTAB's CSV, the BDM CSV "
                                  "Actor,Capability,Position,Salience, or decide's #A/#P/#M/#D "
                                  "rows)"}});
}

ActorTable actor_table(const Scenario& s) {
  ActorTable t;
  t.file = "";
  t.name = s.name;
  t.format = "scenario";
  for (const Issue& i : s.issues) {
    t.dimensions.push_back(i.name);
    t.lo.push_back(i.min);
    t.hi.push_back(i.max);
    t.status_quo.push_back(i.status_quo);
  }
  for (const Agent& a : s.agents) {
    if (a.role == Role::mediator) continue;
    Actor actor;
    actor.name = a.name;
    actor.description = to_string(a.role);
    actor.capability = mean_of(a.capability);
    for (std::size_t k = 0; k < s.issues.size(); ++k) {
      const bool has = k < a.ideal.size() && a.ideal[k];
      actor.position.push_back(has ? mean_of(*a.ideal[k]) : kNaN);
      actor.salience.push_back(has && k < a.salience.size() ? mean_of(a.salience[k]) : 0);
    }
    t.actors.push_back(std::move(actor));
  }
  return t;
}

std::vector<double> compromise(const ActorTable& t) {
  std::vector<double> out;
  for (std::size_t k = 0; k < t.dimensions.size(); ++k) {
    double num = 0, den = 0;
    for (const Actor& a : t.actors) {
      if (std::isnan(a.position[k])) continue;
      const double w = a.capability_on(k) * a.salience[k];
      num += w * a.position[k];
      den += w;
    }
    out.push_back(den > 0 ? num / den : kNaN);
  }
  return out;
}

}  // namespace negsim::classic

namespace negsim::classic {
namespace {

/// The state the BDM quantities are computed on: positions, capability x
/// salience weights, saliences, risk exponents and the fixed range R.
struct BdmState {
  std::vector<double> x, cs, s, r;
  double range = 1;

  /// Actor k's vote between positions a and b (positive when k prefers a),
  /// with exponent rho: c_k s_k ((|x_k - b| / R)^rho - (|x_k - a| / R)^rho).
  double compare(std::size_t k, double a, double b, double rho) const {
    const double dk = std::pow(std::abs(x[k] - b) / range, rho);
    const double dj = std::pow(std::abs(x[k] - a) / range, rho);
    return cs[k] * (dk - dj);
  }
  /// Sum over voters k and ordered pairs (a, b) of |compare_k(x_a, x_b)|.
  double all_votes() const {
    double total = 0;
    for (std::size_t k = 0; k < x.size(); ++k) {
      for (std::size_t a = 0; a < x.size(); ++a) {
        for (std::size_t b = 0; b < x.size(); ++b) total += std::abs(compare(k, x[a], x[b], r[k]));
      }
    }
    return total;
  }
  /// P(x_i, x_j): the share of all votes for x_i over x_j.
  double probability(std::size_t i, std::size_t j, double votes) const {
    if (x[i] == x[j]) return 0.0;
    double num = 0;
    for (std::size_t k = 0; k < x.size(); ++k) num += std::max(0.0, compare(k, x[i], x[j], r[k]));
    return num / votes;
  }
  /// EU of i challenging j, seen by p (with p's exponent for the utilities).
  double eu(std::size_t p, std::size_t i, std::size_t j, double votes) const {
    const double prob = probability(i, j, votes);
    const double d = std::abs(x[i] - x[j]);
    const double us = 2 - 4 * std::pow(0.5 - 0.5 * d / range, r[p]);
    const double uf = 2 - 4 * std::pow(0.5 + 0.5 * d / range, r[p]);
    const double usq = 2 - 4 * std::pow(0.5, r[p]);
    const double resist = s[j] * (prob * us + (1 - prob) * uf);
    const double not_resist = (1 - s[j]) * us;
    const double q = 1.0;
    return (resist + not_resist) - q * usq;
  }
};

}  // namespace

double bdm_mean(const std::vector<double>& x, const std::vector<double>& weight) {
  double num = 0, den = 0;
  for (std::size_t k = 0; k < x.size(); ++k) num += weight[k] * x[k];
  for (double w : weight) den += w;
  return num / den;
}

double bdm_median(const std::vector<double>& x, const std::vector<double>& weight) {
  double best = x.front(), best_cost = INFINITY;
  std::vector<double> seen;
  for (double p : x) {
    if (std::find(seen.begin(), seen.end(), p) != seen.end()) continue;
    seen.push_back(p);
    double cost = 0;
    for (std::size_t k = 0; k < x.size(); ++k) cost += weight[k] * std::abs(x[k] - p);
    if (cost < best_cost) {
      best = p;
      best_cost = cost;
    }
  }
  return best;
}

BdmResult bdm(const ActorTable& table, int rounds, std::size_t dimension) {
  BdmState st;
  for (const Actor& a : table.actors) {
    if (std::isnan(a.position[dimension])) continue;
    st.x.push_back(a.position[dimension]);
    st.s.push_back(a.salience[dimension]);
    st.cs.push_back(a.capability_on(dimension) * a.salience[dimension]);
  }
  const std::size_t n = st.x.size();
  st.r.assign(n, 1.0);
  BdmResult out;
  out.dimension = dimension;
  if (n < 2) throw std::invalid_argument("the expected-utility model needs two actors or more");
  const auto [lo, hi] = std::minmax_element(st.x.begin(), st.x.end());
  st.range = *hi - *lo;
  out.range = st.range;
  if (!(st.range > 0)) {
    throw std::invalid_argument("every actor holds the same position (the range is 0)");
  }
  out.initial_median = bdm_median(st.x, st.cs);
  out.initial_mean = bdm_mean(st.x, st.cs);
  for (int t = 1; t <= rounds; ++t) {
    BdmRound round;
    round.round = t;
    round.actors.resize(n);
    // Risk exponents: from the danger each actor faces, all r = 1.
    std::fill(st.r.begin(), st.r.end(), 1.0);
    const double votes1 = st.all_votes();
    std::vector<double> danger(n, 0.0);
    for (std::size_t k = 0; k < n; ++k) {
      for (std::size_t j = 0; j < n; ++j) {
        if (j != k) danger[k] += st.eu(k, j, k, votes1);
      }
    }
    const double dmax = *std::max_element(danger.begin(), danger.end());
    const double dmin = *std::min_element(danger.begin(), danger.end());
    if (!(dmax > dmin)) {
      throw std::invalid_argument("round " + std::to_string(t) +
                                  ": every actor faces the same danger (the risk exponents "
                                  "are undefined)");
    }
    std::vector<double> r(n);
    for (std::size_t k = 0; k < n; ++k) {
      const double ra = ((2 * danger[k] - dmax) - dmin) / (dmax - dmin);
      r[k] = (1 - ra / 3.0) / (1 + ra / 3.0);
      round.actors[k].danger = danger[k];
      round.actors[k].risk_acceptance = ra;
      round.actors[k].risk = r[k];
      round.actors[k].position_before = st.x[k];
    }
    st.r = r;
    // Offers, as each receiver sees them, with the new exponents.
    const double votes = st.all_votes();
    std::vector<double> next = st.x;
    for (std::size_t i = 0; i < n; ++i) {
      BdmActorRound& me = round.actors[i];
      for (std::size_t j = 0; j < n; ++j) {
        if (st.x[i] == st.x[j]) continue;
        const double eu_ij = st.eu(i, i, j, votes);
        const double eu_ji = st.eu(i, j, i, votes);
        if (eu_ji > eu_ij && eu_ij > 0) {
          me.offers.push_back({j, BdmOffer::Type::confrontation, st.x[j], eu_ij, eu_ji});
        } else if (eu_ji > 0 && 0 > eu_ij && eu_ji > std::abs(eu_ij)) {
          const double pos = st.x[i] + (st.x[j] - st.x[i]) * std::abs(eu_ij / eu_ji);
          me.offers.push_back({j, BdmOffer::Type::compromise, pos, eu_ij, eu_ji});
        }
        // (jmckib's capitulation branch compares eu_ji < |eu_ji| and never
        // fires: docs/classic/bdm.md §5. It is not reproduced as a branch.)
      }
      // A confrontation beats every compromise; among confrontations the
      // nearest, among compromises the lowest weighted position K; the first
      // in proposer order on a tie.
      const BdmOffer* pick = nullptr;
      double key = INFINITY;
      for (const BdmOffer& o : me.offers) {
        if (o.type != BdmOffer::Type::confrontation) continue;
        const double k = std::abs(st.x[i] - o.position);
        if (k < key) {
          key = k;
          pick = &o;
        }
      }
      if (!pick) {
        for (const BdmOffer& o : me.offers) {
          const double a = std::abs(o.eu_ij), b = std::abs(o.eu_ji);
          const double k = (a * st.x[i] + b * st.x[o.from]) / (a + b);
          if (k < key) {
            key = k;
            pick = &o;
          }
        }
      }
      if (pick) {
        me.accepted = *pick;
        next[i] = pick->position;
      }
    }
    st.x = next;  // simultaneous moves
    for (std::size_t k = 0; k < n; ++k) round.actors[k].position_after = st.x[k];
    round.median = bdm_median(st.x, st.cs);
    round.mean = bdm_mean(st.x, st.cs);
    out.rounds.push_back(std::move(round));
  }
  return out;
}

}  // namespace negsim::classic

namespace negsim::classic {
namespace {

using Matrix = std::vector<std::vector<double>>;

/// The utility of a distance d to an actor of risk attitude r (KTAB's bsUtil).
double bs_util(double d, double r) { return d <= 1 ? (1 - d) * (1 + d * r) : (1 - d) * (1 + r); }

/// Salience-weighted distance from ideal x to position p (KTAB's bvDiff).
double bv_diff(const std::vector<double>& x, const std::vector<double>& p,
               const std::vector<double>& s) {
  double ds_sqr = 0, ss_sqr = 0;
  for (std::size_t k = 0; k < x.size(); ++k) {
    const double ds = (x[k] - p[k]) * s[k];
    ds_sqr += ds * ds;
    ss_sqr += s[k] * s[k];
  }
  return std::sqrt(ds_sqr / ss_sqr);
}

/// Proportional votes by capability, Linear victory probabilities and the
/// Conditional probability of each option winning (KTAB's scalarPCE).
std::vector<double> scalar_pce(const std::vector<double>& w, const Matrix& u) {
  const std::size_t na = u.size(), no = u.front().size();
  // Coalition strengths, flat: c[i * no + j] for option i against j.
  std::vector<double> c(no * no, 1e-8);
  for (std::size_t i = 0; i < no; ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      for (std::size_t k = 0; k < na; ++k) {
        const double v = w[k] * (u[k][i] - u[k][j]);
        if (v > 0) c[i * no + j] += v;
        if (v < 0) c[j * no + i] -= v;
      }
    }
  }
  std::vector<double> p(no, 1.0);
  for (std::size_t i = 0; i < no; ++i) {
    for (std::size_t j = 0; j < no; ++j) {
      p[i] *= i == j ? 0.5 : c[i * no + j] / (c[i * no + j] + c[j * no + i]);
    }
  }
  double total = 0;
  for (double x : p) total += x;
  for (double& x : p) x /= total;
  return p;
}

double round4(double x) {
  return static_cast<double>(static_cast<int>(0.5 + x * 10000.0)) / 10000.0;
}

bool equivalent(const std::vector<double>& a, const std::vector<double>& b) {
  double sum = 0;
  for (std::size_t k = 0; k < a.size(); ++k) sum += (a[k] - b[k]) * (a[k] - b[k]);
  return std::sqrt(sum) < 1e-3;
}

/// One state's utilities: the inferred risk attitudes and every actor's
/// estimate of everyone's risk-aware utilities.
struct SmpUtilities {
  std::vector<double> risk;
  std::vector<Matrix> est;  ///< est[h](i, j): h's estimate of i's utility of j's position
};

SmpUtilities smp_utilities(const Matrix& pos, const Matrix& sal, const std::vector<double>& cap) {
  const std::size_t n = pos.size();
  Matrix diff(n, std::vector<double>(n)), rn(n, std::vector<double>(n));
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      diff[i][j] = bv_diff(pos[i], pos[j], sal[i]);
      rn[i][j] = bs_util(diff[i][j], 0);
    }
  }
  const std::vector<double> p = scalar_pce(cap, rn);
  double p_min = 1, p_max = 0;
  for (double x : p) {
    if (x < p_min) p_min = x;
    if (x > p_max) p_max = x;
  }
  SmpUtilities u;
  for (double x : p) u.risk.push_back((3 * x - (p_max + 2 * p_min)) / (2 * (p_max - p_min)));
  u.est.assign(n, Matrix(n, std::vector<double>(n)));
  for (std::size_t h = 0; h < n; ++h) {
    for (std::size_t i = 0; i < n; ++i) {
      const double r = ((2.0 * u.risk[h]) + u.risk[i]) / 3.0;
      for (std::size_t j = 0; j < n; ++j) u.est[h][i][j] = bs_util(diff[i][j], r);
    }
  }
  return u;
}

struct Bargain {
  std::size_t init = 0, rcvr = 0;
  std::vector<double> pos_init, pos_rcvr;
  bool status_quo = false;
};

}  // namespace

SmpResult smp(const ActorTable& t, int max_iterations) {
  const std::size_t n = t.actors.size(), nd = t.dimensions.size();
  if (n < 3) throw std::invalid_argument("KTAB's SMP needs three actors or more");
  Matrix pos(n), sal(n);
  std::vector<double> cap(n), sal_sum(n, 0.0), weight(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = 0; k < nd; ++k) {
      pos[i].push_back(t.actors[i].position[k] / 100.0);
      sal[i].push_back(t.actors[i].salience[k] / 100.0);
      sal_sum[i] += sal[i][k];
    }
    cap[i] = t.actors[i].capability;
    weight[i] = sal_sum[i] * cap[i];
  }
  SmpResult out;
  std::vector<SmpUtilities> utilities;
  auto add_state = [&](const Matrix& p) {
    SmpUtilities u = smp_utilities(p, sal, cap);
    SmpState st;
    st.position = p;
    st.risk = u.risk;
    // Each actor's own estimate of its utility of each unique position.
    std::vector<std::size_t> unique;
    for (std::size_t i = 0; i < n; ++i) {
      bool found = false;
      for (std::size_t r : unique) found = found || equivalent(p[i], p[r]);
      if (!found) unique.push_back(i);
    }
    Matrix uij(n, std::vector<double>(unique.size()));
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t c = 0; c < unique.size(); ++c) uij[i][c] = u.est[i][i][unique[c]];
    }
    const std::vector<double> pu = scalar_pce(cap, uij);
    for (std::size_t i = 0; i < n; ++i) {
      double prob = 0;
      for (std::size_t c = 0; c < unique.size(); ++c) {
        if (equivalent(p[i], p[unique[c]])) prob = pu[c];  // the last equivalent one
      }
      st.win.push_back(prob);
    }
    out.states.push_back(std::move(st));
    utilities.push_back(std::move(u));
  };
  auto distance = [&](const Matrix& a, const Matrix& b) {
    double total = 0;
    for (std::size_t i = 0; i < n; ++i) {
      double sq = 0;
      for (std::size_t k = 0; k < nd; ++k) sq += (a[i][k] - b[i][k]) * (a[i][k] - b[i][k]);
      total += std::sqrt(sq);
    }
    return total;
  };
  add_state(pos);
  for (int iter = 1; iter <= max_iterations; ++iter) {
    const Matrix& x = out.states.back().position;
    const SmpUtilities& u = utilities.back();
    // Each initiator's most advantageous challenge, as it estimates it.
    auto prob_edu = [&](std::size_t h, std::size_t k, std::size_t i, std::size_t j) {
      const Matrix& U = u.est[h];
      const double eu_sq = U[k][i] + U[k][j];
      const double uhkij = U[k][i] + U[k][i], uhkji = U[k][j] + U[k][j];
      const double ci = weight[i] * (U[i][i] - U[i][j]);
      const double cj = weight[j] * (U[j][i] - U[j][j]);
      double cij = 1e-10, cji = 1e-10;
      if (ci > 0) cij += ci;
      if (ci < 0) cji -= ci;
      if (cj > 0) cij += cj;
      if (cj < 0) cji -= cj;
      const double a0 = cij, b0 = cji;
      for (std::size_t m = 0; m < n; ++m) {
        if (m == i || m == j) continue;
        const double uni = U[m][i], unj = U[m][j], unn = U[m][m];
        const double c0 = weight[m] * (uni - unj);
        const double a = c0 > 0 ? a0 + c0 : a0;
        const double b = c0 < 0 ? b0 - c0 : b0;
        const double pin = a / (a + b), pjn = 1.0 - pin;
        const double u_ik_j = pin * (uni + uni + unn) + pjn * (unj + unj + unj);
        const double u_i_jk = pin * (uni + uni + uni) + pjn * (unj + unj + unn);
        const double vn = weight[m] * (u_ik_j - u_i_jk);
        if (vn > 0) cij += vn;
        if (vn < 0) cji -= vn;
      }
      const double phij = cij / (cij + cji), phji = cji / (cij + cji);
      const double sj = sal_sum[j];
      const double eu_chlg = (1 - sj) * uhkij + sj * (phij * uhkij + phji * uhkji);
      return std::pair(phij, eu_chlg - eu_sq);
    };
    std::vector<std::vector<Bargain>> bargains(n);
    for (std::size_t k = 0; k < n; ++k) bargains[k].push_back({k, k, x[k], x[k], true});
    std::vector<Bargain> challenges;
    for (std::size_t i = 0; i < n; ++i) {
      double best = -1, best_p = 0;
      std::size_t target = n;
      for (std::size_t j = 0; j < n; ++j) {
        if (j == i) continue;
        const auto [p, edu] = prob_edu(i, i, i, j);
        if (1e-5 < edu && best < edu) {
          best = edu;
          best_p = p;
          target = j;
        }
      }
      if (target == n) continue;  // no advantageous target
      const std::size_t j = target;
      Bargain b{i, j, std::vector<double>(nd), std::vector<double>(nd), false};
      const double prb_i = best_p, prb_j = 1 - best_p, min_w = 1e-6;
      for (std::size_t k = 0; k < nd; ++k) {
        const double wik = std::pow(sal[i][k], 2) * std::pow(prb_i, 2);
        const double wjk = std::pow(sal[j][k], 2) * std::pow(prb_j, 2);
        b.pos_init[k] = round4(((wik + min_w) * x[i][k] + wjk * x[j][k]) / (wik + min_w + wjk));
        b.pos_rcvr[k] = round4((wik * x[i][k] + (min_w + wjk) * x[j][k]) / (wik + min_w + wjk));
      }
      challenges.push_back(b);
    }
    // Each actor's bargains: its status quo, then those it is party to, by initiator.
    for (const Bargain& b : challenges) {
      bargains[b.init].push_back(b);
      bargains[b.rcvr].push_back(b);
    }
    Matrix next = x;
    for (std::size_t k = 0; k < n; ++k) {
      const auto& list = bargains[k];
      Matrix uim(n, std::vector<double>(list.size()));
      for (std::size_t a = 0; a < n; ++a) {
        const double r = u.risk[a];
        for (std::size_t m = 0; m < list.size(); ++m) {
          const Bargain& b = list[m];
          double sum = 0;
          if (b.status_quo) {
            for (std::size_t q = 0; q < n; ++q) sum += u.est[a][a][q];
          } else {
            sum = bs_util(bv_diff(x[a], b.pos_init, sal[a]), r) +
                  bs_util(bv_diff(x[a], b.pos_rcvr, sal[a]), r);
            for (std::size_t q = 0; q < n; ++q) {
              if (q != b.init && q != b.rcvr) sum += u.est[a][a][q];
            }
          }
          uim[a][m] = sum / static_cast<double>(n);
        }
      }
      const std::vector<double> p = scalar_pce(cap, uim);
      std::size_t chosen = 0;
      for (std::size_t m = 1; m < p.size(); ++m) {
        if (std::abs(p[m]) > std::abs(p[chosen])) chosen = m;
      }
      const Bargain& b = list[chosen];
      if (!b.status_quo) next[k] = k == b.init ? b.pos_init : b.pos_rcvr;
    }
    add_state(next);
    const double d01 = distance(out.states[0].position, out.states[1].position) + 1e-4;
    const double dxy = distance(out.states[static_cast<std::size_t>(iter)].position,
                                out.states[static_cast<std::size_t>(iter) - 1].position);
    out.distance.push_back(dxy);
    out.ratio.push_back(dxy / d01);
    if (iter >= 2 && dxy / d01 < 0.02) break;
  }
  return out;
}

std::string smp_history_text(const ActorTable& t, const SmpResult& r) {
  std::ostringstream out;
  char buf[32];
  out << "There were " << r.states.size() << " states, with " << r.states.size() - 1
      << " steps between them\nHistory of actor positions over time:\n";
  for (std::size_t i = 0; i < t.actors.size(); ++i) {
    for (std::size_t k = 0; k < t.dimensions.size(); ++k) {
      out << t.actors[i].name << ", " << t.dimensions[k] << ":";
      for (const SmpState& s : r.states) {
        std::snprintf(buf, sizeof buf, " %5.1f", s.position[i][k] * 100.0);
        out << buf;
      }
      out << "\n";
    }
  }
  out << "History of actors' winning probabilities:\n";
  for (std::size_t i = 0; i < t.actors.size(); ++i) {
    out << t.actors[i].name << ", prob :";
    for (const SmpState& s : r.states) {
      std::snprintf(buf, sizeof buf, " %.4f", s.win[i]);
      out << buf;
    }
    out << "\n";
  }
  return out.str();
}

}  // namespace negsim::classic

namespace negsim::classic {

ActorTable draw_actor_table(const Scenario& s, std::uint64_t seed, std::uint64_t run) {
  ActorTable t = actor_table(s);
  Rng rng(seed, 0, run, Purpose::mechanism, substream_of("classic"));
  std::size_t row = 0;
  for (const Agent& a : s.agents) {
    if (a.role == Role::mediator) continue;
    Actor& actor = t.actors[row++];
    actor.capability = sample(a.capability, rng);
    for (std::size_t k = 0; k < s.issues.size(); ++k) {
      const bool has = k < a.ideal.size() && a.ideal[k];
      actor.position[k] = has ? sample(*a.ideal[k], rng) : kNaN;
      actor.salience[k] = has && k < a.salience.size() ? sample(a.salience[k], rng) : 0;
    }
  }
  return t;
}

std::vector<std::vector<ForecastSummary>> monte_carlo(const Scenario& s,
                                                      const std::vector<std::string>& models,
                                                      std::uint64_t seed, std::uint64_t runs,
                                                      int rounds, int threads) {
  const ActorTable means = actor_table(s);
  const std::size_t nd = means.dimensions.size(), nm = models.size();
  // draws[r][m][k]: each run's slot written by one task, so the order of
  // the tasks cannot change a digit.
  std::vector<std::vector<std::vector<double>>> draws(runs);
  char before = 0, after = 0;  // addresses for the happens-before annotations
  auto all_draws = [&] {
    tbb::parallel_for(std::uint64_t{0}, runs, [&](std::uint64_t r) {
      detail::task_start(&before);
      const ActorTable table = draw_actor_table(s, seed, r);
      draws[r].reserve(nm);
      for (const std::string& m : models) draws[r].push_back(forecast(m, table, rounds));
      detail::task_end(&after);
    });
  };
  detail::region_start(&before);
  if (threads > 0) {
    tbb::task_arena(threads).execute(all_draws);
  } else {
    all_draws();
  }
  detail::region_end(&after);
  std::vector<std::vector<ForecastSummary>> out(nm, std::vector<ForecastSummary>(nd));
  for (std::size_t m = 0; m < nm; ++m) {
    const std::vector<double> at = forecast(models[m], means, rounds);
    for (std::size_t k = 0; k < nd; ++k) {
      ForecastSummary& f = out[m][k];
      f.at_means = at[k];
      std::vector<double> v;
      v.reserve(runs);
      for (std::uint64_t r = 0; r < runs; ++r) {
        if (!std::isnan(draws[r][m][k])) v.push_back(draws[r][m][k]);
      }
      const detail::Sample sample(std::move(v));
      f.runs = sample.size();
      if (sample.empty()) continue;
      f.mean = sample.mean();
      f.q05 = sample.quantile(0.05);
      f.q50 = sample.quantile(0.5);
      f.q95 = sample.quantile(0.95);
    }
  }
  return out;
}

std::vector<double> forecast(const std::string& model, const ActorTable& t, int rounds) {
  const std::size_t nd = t.dimensions.size();
  if (model == "compromise") return compromise(t);
  std::vector<double> out(nd, kNaN);
  if (model == "bdm") {
    for (std::size_t k = 0; k < nd; ++k) {
      try {
        const BdmResult r = bdm(t, rounds, k);
        out[k] = r.rounds.empty() ? r.initial_median : r.rounds.back().median;
      } catch (const std::invalid_argument&) {
      }
    }
    return out;
  }
  if (model == "smp") {
    // KTAB's SMP works on [0, 100]: a table in other units is mapped onto it
    // by its dimensions' ranges and back.
    // An actor without a position on a dimension holds the status quo there
    // (the middle when it is unknown) with no salience; saliences are taken
    // as shares of 100, as KTAB's are.
    ActorTable scaled = t;
    if (t.actors.size() < 3) return out;
    for (Actor& a : scaled.actors) {
      double total = 0;
      for (std::size_t k = 0; k < nd; ++k) total += std::isnan(a.position[k]) ? 0 : a.salience[k];
      for (std::size_t k = 0; k < nd; ++k) {
        const double lo = std::isnan(t.lo[k]) ? 0 : t.lo[k],
                     hi = std::isnan(t.hi[k]) ? 100 : t.hi[k];
        if (std::isnan(a.position[k])) {
          a.position[k] = k < t.status_quo.size() ? t.status_quo[k] : (lo + hi) / 2;
          a.salience[k] = 0;
        }
        a.position[k] = 100 * (a.position[k] - lo) / (hi - lo);
        if (t.format == "scenario") a.salience[k] = 100 * a.salience[k] / std::max(1.0, total);
      }
    }
    try {
      const SmpResult r = smp(scaled);
      const SmpState& last = r.states.back();
      std::size_t best = 0;
      for (std::size_t i = 1; i < last.win.size(); ++i) {
        if (last.win[i] > last.win[best]) best = i;
      }
      for (std::size_t k = 0; k < nd; ++k) {
        const double lo = std::isnan(t.lo[k]) ? 0 : t.lo[k],
                     hi = std::isnan(t.hi[k]) ? 100 : t.hi[k];
        out[k] = lo + last.position[best][k] * (hi - lo);
      }
    } catch (const std::exception&) {
    }
    return out;
  }
  throw std::invalid_argument("unknown model \"" + model + "\"");
}

}  // namespace negsim::classic
