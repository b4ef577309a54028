#include "negsim/sweep.hpp"

#include <algorithm>
#include <boost/random/sobol.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numeric>
#include <sstream>

#include "negsim/detail/yaml_check.hpp"
#include "negsim/rng.hpp"

namespace negsim {
namespace {

using namespace detail;  // the checking machinery of detail/yaml_check.hpp

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kMaxPoints = 10'000'000;

const std::vector<std::string> kKinds{"grid", "oat", "lhs", "sobol", "morris", "csv"};

/// A uniform stream of the design, separate from every run's streams.
Rng design_rng(std::uint64_t seed, std::uint64_t which) {
  return Rng(seed, ~std::uint64_t{0}, which, Purpose::params);
}

bool power_of_two(int n) { return n > 0 && (n & (n - 1)) == 0; }

/// Reads a CSV design: a header of parameter paths, then one row per point.
void read_csv(const std::string& path, const std::string& shown, DesignSpec& spec, Checker& c,
              const SourceLoc& at) {
  std::ifstream in(path);
  if (!in) {
    c.error(at, "file", "cannot read the design table (got " + in_quotes(shown) + ")");
    return;
  }
  std::string line;
  int row = 0;
  std::size_t columns = 0;
  while (std::getline(in, line)) {
    ++row;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) cells.push_back(cell);
    if (!line.empty() && line.back() == ',') cells.emplace_back();
    if (row == 1) {
      for (const auto& name : cells) spec.parameters.push_back(SweptParameter{name, {}, 0, 0, 0});
      columns = cells.size();
      continue;
    }
    if (line.empty()) continue;
    const SourceLoc where{shown, row, 1};
    if (cells.size() != columns) {
      c.error(where, "",
              "wrong number of columns (got " + std::to_string(cells.size()) + ", expected " +
                  std::to_string(columns) + ")");
      continue;
    }
    for (std::size_t j = 0; j < columns; ++j) {
      const auto x = parse_number(cells[j]);
      if (!x || !std::isfinite(*x)) {
        c.error(where, spec.parameters[j].path,
                "not a finite number (got " + in_quotes(cells[j]) + ")");
        continue;
      }
      spec.parameters[j].values.push_back(*x);
    }
  }
  if (row < 2) c.error(SourceLoc{shown, 1, 1}, "", "no design points (expected a header and rows)");
}

}  // namespace

const char* to_string(DesignKind kind) { return kKinds[static_cast<std::size_t>(kind)].c_str(); }

DesignSpec load_design_text(const std::string& yaml, const std::string& origin,
                            const std::string& base_dir) {
  const YNode root = parse_yaml_text(yaml, origin, {}, true);
  Checker c;
  DesignSpec spec;
  if (root.is_null()) {
    throw ScenarioError(
        {Diagnostic{SourceLoc{origin, 1, 1}, "", "file is empty (expected a design)"}});
  }
  Fields top(c, root, "", {"design", "parameters", "seed", "points", "levels", "file"});
  if (!top.is_map()) throw ScenarioError(std::move(c.diagnostics()));
  bool kind_known = false;
  if (const YNode* v = top.require("design", "one of " + join_alternatives(kKinds))) {
    const auto kind = c.string(*v, "design");
    const auto it = kind ? std::find(kKinds.begin(), kKinds.end(), *kind) : kKinds.end();
    if (kind && it == kKinds.end()) {
      const auto near = closest_match(*kind, kKinds);
      c.error(*v, "design",
              "unknown design (got " + in_quotes(*kind) +
                  (near ? ", did you mean \"" + *near + "\"?)"
                        : ", expected one of " + join_alternatives(kKinds) + ")"));
    } else if (kind) {
      spec.kind = static_cast<DesignKind>(it - kKinds.begin());
      kind_known = true;
    }
  }
  if (!kind_known) {
    // What else the file needs depends on the design: nothing more to check.
    sort_by_position(c.diagnostics(), origin);
    throw ScenarioError(std::move(c.diagnostics()));
  }
  if (const YNode* v = top.get("seed")) {
    if (auto x = c.number(*v, "seed", Range{0, 9007199254740992.0, true})) {
      spec.seed = static_cast<std::uint64_t>(*x);
    }
  }
  if (const YNode* v = top.get("levels")) {
    if (auto x = c.number(*v, "levels", Range{2, 100, true})) spec.levels = static_cast<int>(*x);
  }
  const bool counted = spec.kind == DesignKind::lhs || spec.kind == DesignKind::sobol ||
                       spec.kind == DesignKind::morris;
  if (counted) {
    const std::string meaning = spec.kind == DesignKind::lhs     ? "the number of points"
                                : spec.kind == DesignKind::sobol ? "the base sample size N"
                                                                 : "the number of trajectories";
    if (const YNode* v = top.require("points", meaning)) {
      if (auto x = c.number(*v, "points", Range{1, 1'000'000, true}))
        spec.points = static_cast<int>(*x);
    }
  } else if (const YNode* v = top.get("points")) {
    c.error(*v, "points", "not used by a " + std::string(to_string(spec.kind)) + " design");
  }
  if (spec.kind == DesignKind::sobol && spec.points > 0 && !power_of_two(spec.points)) {
    spec.warnings.push_back(
        "points: a Sobol' base size that is not a power of 2 (got " + std::to_string(spec.points) +
        ") loses the sequence's balance; prefer " +
        std::to_string(1 << static_cast<int>(std::ceil(std::log2(spec.points)))));
  }

  if (spec.kind == DesignKind::csv) {
    if (const YNode* v = top.require("file", "the CSV table of points")) {
      if (auto f = c.string(*v, "file")) {
        spec.file = *f;
        const std::filesystem::path p = std::filesystem::path(base_dir) / *f;
        read_csv(p.string(), *f, spec, c, v->loc);
      }
    }
    if (const YNode* v = top.get("parameters")) {
      c.error(*v, "parameters", "not used by a csv design (the table's header names them)");
    }
  } else if (const YNode* v = top.require("parameters", "a mapping of scenario paths to ranges")) {
    if (!v->is_map() || v->entries.empty()) {
      c.wrong_type(*v, "parameters", "a non-empty mapping of scenario paths to ranges");
    } else {
      std::set<std::string> seen;
      for (const auto& [key, value] : v->entries) {
        if (!key.is_scalar() || key.scalar.empty()) {
          c.error(key, "parameters",
                  "a parameter is named by its scenario path (got " + describe(key) + ")");
          continue;
        }
        const std::string sub = "parameters." + key.scalar;
        if (!seen.insert(key.scalar).second) {
          c.error(key, sub, "parameter listed twice");
          continue;
        }
        SweptParameter param{key.scalar, {}, 0, 0, 0};
        Fields f(c, value, sub, {"values", "range", "steps"});
        if (!f.is_map()) continue;
        const bool grid = spec.kind == DesignKind::grid;
        if (const YNode* values = f.get("values")) {
          if (!grid) {
            c.error(*values, f.sub("values"),
                    "a " + std::string(to_string(spec.kind)) + " design takes a range, not values");
          } else if (auto xs = read_numbers(c, *values, f.sub("values"), 0, "a list of numbers")) {
            param.values = *xs;
          }
        } else if (const YNode* range =
                       f.require("range", grid ? "[lo, hi] (with steps) or values" : "[lo, hi]")) {
          if (auto r = read_numbers(c, *range, f.sub("range"), 2, "[lo, hi]")) {
            if ((*r)[0] >= (*r)[1]) {
              c.error(*range, f.sub("range"),
                      "lo >= hi (got [" + format_number((*r)[0]) + ", " + format_number((*r)[1]) +
                          "], expected lo < hi)");
            }
            param.lo = (*r)[0];
            param.hi = (*r)[1];
          }
          if (grid) {
            if (const YNode* steps = f.require("steps", "the number of values over the range")) {
              if (auto n = c.number(*steps, f.sub("steps"), Range{2, 100'000, true})) {
                param.steps = static_cast<int>(*n);
              }
            }
          } else if (const YNode* steps = f.get("steps")) {
            c.error(*steps, f.sub("steps"), "only a grid design takes steps");
          }
        }
        spec.parameters.push_back(std::move(param));
      }
    }
  }
  if (spec.kind == DesignKind::grid && c.ok()) {
    double points = 1;
    for (const auto& p : spec.parameters)
      points *= p.values.empty() ? p.steps : static_cast<double>(p.values.size());
    if (points > kMaxPoints) {
      c.error(*top.get("parameters"), "parameters",
              "grid too large (got " + format_number(points) + " points, expected at most " +
                  std::to_string(kMaxPoints) + ")");
    }
  }
  if (!c.ok()) {
    sort_by_position(c.diagnostics(), origin);
    throw ScenarioError(std::move(c.diagnostics()));
  }
  return spec;
}

DesignSpec load_design(const std::string& path) {
  const std::string text = detail::read_text_file(path);  // file-level problems throw here
  return load_design_text(text, path, std::filesystem::path(path).parent_path().string());
}

Design generate(const DesignSpec& spec) {
  Design d;
  d.spec = spec;
  const std::size_t k = spec.parameters.size();
  for (const auto& p : spec.parameters) d.paths.push_back(p.path);
  auto scale = [&](std::size_t j, double u) {
    return spec.parameters[j].lo + u * (spec.parameters[j].hi - spec.parameters[j].lo);
  };
  auto add = [&](std::vector<double> unit) {
    std::vector<double> values(k);
    for (std::size_t j = 0; j < k; ++j) values[j] = std::isnan(unit[j]) ? kNaN : scale(j, unit[j]);
    d.points.push_back(std::move(values));
    d.unit.push_back(std::move(unit));
  };
  switch (spec.kind) {
    case DesignKind::grid: {
      std::vector<std::vector<double>> axes;
      for (const auto& p : spec.parameters) {
        std::vector<double> axis = p.values;
        if (axis.empty()) {
          for (int i = 0; i < p.steps; ++i)
            axis.push_back(p.lo + (p.hi - p.lo) * i / (p.steps - 1));
        }
        axes.push_back(std::move(axis));
      }
      std::vector<std::size_t> index(k, 0);
      while (true) {
        std::vector<double> values(k);
        for (std::size_t j = 0; j < k; ++j) values[j] = axes[j][index[j]];
        d.points.push_back(values);
        d.unit.push_back(std::vector<double>(k, kNaN));
        std::size_t j = k;
        while (j > 0 && ++index[j - 1] == axes[j - 1].size()) index[--j] = 0;
        if (j == 0) break;
      }
      break;
    }
    case DesignKind::oat: {
      add(std::vector<double>(k, kNaN));  // the scenario as written
      for (std::size_t j = 0; j < k; ++j) {
        for (double end : {0.0, 1.0}) {
          std::vector<double> u(k, kNaN);
          u[j] = end;
          add(u);
        }
      }
      break;
    }
    case DesignKind::lhs: {
      // Each parameter's range cut in N strata; each stratum used once, at a
      // uniform point within it; strata paired across parameters at random.
      const auto n = static_cast<std::size_t>(spec.points);
      std::vector<std::vector<double>> u(n, std::vector<double>(k));
      for (std::size_t j = 0; j < k; ++j) {
        Rng rng = design_rng(spec.seed, j);
        std::vector<std::size_t> strata(n);
        std::iota(strata.begin(), strata.end(), std::size_t{0});
        for (std::size_t i = n; i > 1; --i) {  // Fisher-Yates
          const auto pick = static_cast<std::size_t>(rng.uniform() * static_cast<double>(i));
          std::swap(strata[i - 1], strata[std::min(pick, i - 1)]);
        }
        for (std::size_t i = 0; i < n; ++i) {
          u[i][j] = (static_cast<double>(strata[i]) + rng.uniform()) / static_cast<double>(n);
        }
      }
      for (auto& row : u) add(row);
      break;
    }
    case DesignKind::sobol: {
      const auto n = static_cast<std::size_t>(spec.points);
      boost::random::sobol engine(static_cast<std::size_t>(2 * k));
      engine.discard(static_cast<std::uintmax_t>(2 * k));  // skip the all-zero first point
      const double denominator = static_cast<double>(engine.max()) + 1.0;
      std::vector<std::vector<double>> a(n, std::vector<double>(k)), b = a;
      for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < 2 * k; ++j) {
          // Centre each value in its cell, so none is exactly 0.
          const double x = (static_cast<double>(engine()) + 0.5) / denominator;
          (j < k ? a[i][j] : b[i][j - k]) = x;
        }
      }
      for (auto& row : a) add(row);
      for (auto& row : b) add(row);
      for (std::size_t col = 0; col < k; ++col) {
        for (std::size_t i = 0; i < n; ++i) {
          std::vector<double> row = a[i];
          row[col] = b[i][col];
          add(row);
        }
      }
      break;
    }
    case DesignKind::morris: {
      const int p = spec.levels;
      const double delta = p / (2.0 * (p - 1));
      Rng rng = design_rng(spec.seed, 0);
      for (int t = 0; t < spec.points; ++t) {
        std::vector<double> x(k);
        std::vector<int> direction(k);
        for (std::size_t j = 0; j < k; ++j) {
          direction[j] = rng.uniform() < 0.5 ? 1 : -1;
          // Levels i / (p - 1) from which a step of delta stays in [0, 1].
          std::vector<double> allowed;
          for (int i = 0; i < p; ++i) {
            const double level = static_cast<double>(i) / (p - 1);
            const double next = level + direction[j] * delta;
            if (next >= -1e-12 && next <= 1 + 1e-12) allowed.push_back(level);
          }
          x[j] = allowed[std::min(
              allowed.size() - 1,
              static_cast<std::size_t>(rng.uniform() * static_cast<double>(allowed.size())))];
        }
        std::vector<std::size_t> order(k);
        std::iota(order.begin(), order.end(), std::size_t{0});
        for (std::size_t i = k; i > 1; --i) {
          const auto pick = static_cast<std::size_t>(rng.uniform() * static_cast<double>(i));
          std::swap(order[i - 1], order[std::min(pick, i - 1)]);
        }
        add(x);
        for (std::size_t m = 0; m < k; ++m) {
          const std::size_t j = order[m];
          x[j] = std::clamp(x[j] + direction[j] * delta, 0.0, 1.0);
          add(x);
        }
      }
      break;
    }
    case DesignKind::csv: {
      const std::size_t rows = spec.parameters.empty() ? 0 : spec.parameters.front().values.size();
      for (std::size_t i = 0; i < rows; ++i) {
        std::vector<double> values(k);
        for (std::size_t j = 0; j < k; ++j) values[j] = spec.parameters[j].values[i];
        d.points.push_back(values);
        d.unit.push_back(std::vector<double>(k, kNaN));
      }
      break;
    }
  }
  return d;
}

// ---------------------------------------------------------------------------

namespace {

struct SobolSums {
  std::vector<double> first, total;
};

/// The estimators over a chosen set of rows (all of them, or a bootstrap
/// resample).
SobolSums sobol_estimate(const std::vector<double>& f, int n, int k,
                         const std::vector<std::size_t>& rows) {
  const auto N = static_cast<std::size_t>(n);
  auto fa = [&](std::size_t r) { return f[r]; };
  auto fb = [&](std::size_t r) { return f[N + r]; };
  auto fab = [&](std::size_t i, std::size_t r) { return f[(2 + i) * N + r]; };
  double mean = 0;
  for (std::size_t r : rows) mean += fa(r) + fb(r);
  mean /= 2.0 * static_cast<double>(rows.size());
  double variance = 0;
  for (std::size_t r : rows)
    variance += (fa(r) - mean) * (fa(r) - mean) + (fb(r) - mean) * (fb(r) - mean);
  variance /= 2.0 * static_cast<double>(rows.size()) - 1;
  SobolSums out;
  for (std::size_t i = 0; i < static_cast<std::size_t>(k); ++i) {
    double first = 0, total = 0;
    for (std::size_t r : rows) {
      first += fb(r) * (fab(i, r) - fa(r));                      // Saltelli et al. (2010)
      total += 0.5 * (fa(r) - fab(i, r)) * (fa(r) - fab(i, r));  // Jansen (1999)
    }
    const double m = static_cast<double>(rows.size());
    out.first.push_back(variance > 0 ? first / m / variance : 0.0);
    out.total.push_back(variance > 0 ? total / m / variance : 0.0);
  }
  return out;
}

Estimate with_interval(double value, std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  auto at = [&](double q) {
    return samples[std::min(samples.size() - 1,
                            static_cast<std::size_t>(q * static_cast<double>(samples.size())))];
  };
  return {value, at(0.025), at(0.975)};
}

}  // namespace

SobolIndices sobol_indices(const std::vector<double>& outputs, int n, int k, std::uint64_t seed,
                           int resamples) {
  std::vector<std::size_t> all(static_cast<std::size_t>(n));
  std::iota(all.begin(), all.end(), std::size_t{0});
  const SobolSums point = sobol_estimate(outputs, n, k, all);
  std::vector<std::vector<double>> first(static_cast<std::size_t>(k)),
      total(static_cast<std::size_t>(k));
  Rng rng = design_rng(seed, 1'000'000);
  std::vector<std::size_t> rows(all.size());
  for (int b = 0; b < resamples; ++b) {
    for (auto& r : rows)
      r = std::min(all.size() - 1,
                   static_cast<std::size_t>(rng.uniform() * static_cast<double>(all.size())));
    const SobolSums s = sobol_estimate(outputs, n, k, rows);
    for (std::size_t i = 0; i < static_cast<std::size_t>(k); ++i) {
      first[i].push_back(s.first[i]);
      total[i].push_back(s.total[i]);
    }
  }
  SobolIndices out;
  for (std::size_t i = 0; i < static_cast<std::size_t>(k); ++i) {
    out.first.push_back(with_interval(point.first[i], first[i]));
    out.total.push_back(with_interval(point.total[i], total[i]));
  }
  return out;
}

MorrisIndices morris_indices(const Design& design, const std::vector<double>& outputs) {
  const std::size_t k = design.paths.size();
  std::vector<std::vector<double>> effects(k);
  const std::size_t per = k + 1;
  for (std::size_t start = 0; start + per <= design.unit.size(); start += per) {
    for (std::size_t m = 1; m < per; ++m) {
      const auto& a = design.unit[start + m - 1];
      const auto& b = design.unit[start + m];
      for (std::size_t j = 0; j < k; ++j) {
        const double step = b[j] - a[j];
        if (step != 0) effects[j].push_back((outputs[start + m] - outputs[start + m - 1]) / step);
      }
    }
  }
  MorrisIndices out;
  for (const auto& e : effects) {
    out.effects.push_back(e.size());
    if (e.empty()) {
      out.mu.push_back(0);
      out.mu_star.push_back(0);
      out.sigma.push_back(0);
      continue;
    }
    const double n = static_cast<double>(e.size());
    double mu = 0, mu_star = 0;
    for (double x : e) {
      mu += x;
      mu_star += std::fabs(x);
    }
    mu /= n;
    mu_star /= n;
    double var = 0;
    for (double x : e) var += (x - mu) * (x - mu);
    out.mu.push_back(mu);
    out.mu_star.push_back(mu_star);
    out.sigma.push_back(e.size() > 1 ? std::sqrt(var / (n - 1)) : 0.0);
  }
  return out;
}

std::vector<Swing> oat_swings(const Design& design, const std::vector<double>& outputs) {
  std::vector<Swing> out;
  for (std::size_t j = 0; j < design.paths.size(); ++j) {
    out.push_back(Swing{outputs[1 + 2 * j], outputs[2 + 2 * j], outputs[0]});
  }
  return out;
}

std::vector<Override> point_overrides(const SweepOptions& options, const Design& design,
                                      std::size_t p) {
  std::vector<Override> out = options.overrides;
  for (std::size_t j = 0; j < design.paths.size(); ++j) {
    const double v = design.points[p][j];
    if (std::isnan(v)) continue;
    const std::string value = format_number(v);
    out.push_back(Override{
        design.paths[j], value,
        "(design point " + std::to_string(p) + ") " + design.paths[j] + "=" + value, true});
  }
  return out;
}

std::vector<std::size_t> shard_points(const Design& design, const SweepOptions& options) {
  std::vector<std::size_t> out;
  for (std::size_t p = options.shard; p < design.points.size(); p += options.shards)
    out.push_back(p);
  return out;
}

Scenario point_scenario(const SweepOptions& options, const Design& design, std::size_t p) {
  try {
    return load_scenario(options.source, point_overrides(options, design, p));
  } catch (const ScenarioError& e) {
    // Say which point: a problem at a value the design set is otherwise
    // reported at the line of the field in the scenario file.
    std::string values;
    for (std::size_t j = 0; j < design.paths.size(); ++j) {
      if (std::isnan(design.points[p][j])) continue;
      values +=
          (values.empty() ? "" : ", ") + design.paths[j] + "=" + format_number(design.points[p][j]);
    }
    const std::string point = "(design point " + std::to_string(p) + ")";
    std::vector<Diagnostic> named = e.diagnostics();
    for (Diagnostic& d : named) {
      // A problem at one of the point's own values is located at it already.
      if (d.loc.file.find(point) != std::string::npos) continue;
      d.message += " [design point " + std::to_string(p) + ": " + values + "]";
    }
    throw ScenarioError(std::move(named));
  }
}

void check_points(const SweepOptions& options, const Design& design,
                  const std::vector<std::size_t>& points) {
  std::vector<Diagnostic> all;
  for (std::size_t p : points) {
    try {
      point_scenario(options, design, p);
    } catch (const ScenarioError& e) {
      for (const auto& d : e.diagnostics()) {
        all.push_back(d);
        if (all.size() >= 20) break;  // the same mistake repeats across points
      }
      if (all.size() >= 20) break;
    }
  }
  if (!all.empty()) throw ScenarioError(std::move(all));
}

bool run_sweep(const SweepOptions& options, const Design& design,
               const std::vector<std::size_t>& points, const std::set<std::uint64_t>& done,
               const PointDone& on_point) {
  for (std::size_t p : points) {
    if (done.count(p)) continue;
    if (options.cancel && options.cancel->load()) return false;
    const Scenario scenario = point_scenario(options, design, p);
    EngineOptions engine;
    engine.seed = options.seed;
    engine.point = p;
    engine.runs = options.runs;
    engine.precision = options.precision;
    engine.max_runs = options.max_runs;
    engine.threads = options.threads;
    if (!options.precision) engine.batch = std::max<std::uint64_t>(10'000, options.runs / 10);
    engine.cancel = options.cancel;
    const model::Negotiation negotiation(scenario);
    const EngineResult result = simulate(negotiation, engine);
    if (result.cancelled) return false;  // a partial point is never reported
    on_point(p, negotiation, result.tally);
  }
  return true;
}

}  // namespace negsim
