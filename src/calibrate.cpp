#include "negsim/calibrate.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "negsim/detail/text.hpp"
#include "negsim/detail/yaml_check.hpp"
#include "negsim/detail/yaml_tree.hpp"
#include "negsim/outputs.hpp"
#include "negsim/sweep.hpp"
#include "negsim/sweep_store.hpp"
#include "negsim/version.hpp"

namespace negsim {
namespace {

using namespace detail;
using Json = nlohmann::ordered_json;
constexpr double kInfinity = std::numeric_limits<double>::infinity();
const std::vector<std::string> kOutcomeList(model::kOutcomeNames.begin(),
                                            model::kOutcomeNames.end());

class TargetsReader {
 public:
  TargetsReader(Checker& c, std::string origin) : c_(c), origin_(std::move(origin)) {}

  CalibrationSpec read(const YNode& root) {
    CalibrationSpec s;
    s.file = origin_;
    Fields top(c_, root, "",
               {"negsim", "name", "description", "sources", "waves", "points", "runs", "cut",
                "seed", "parameters", "targets"});
    if (!top.is_map()) return s;
    if (const YNode* v = top.require("negsim", "the format version, 1")) {
      if (auto x = c_.number(*v, "negsim", Range{-kInf, kInf, true}); x && *x != 1) {
        c_.error(*v, "negsim", "unsupported format version (got " + v->scalar + ", expected 1)");
      }
    }
    if (const YNode* v = top.get("name")) c_.string(*v, "name");
    if (const YNode* v = top.get("description")) c_.string(*v, "description");
    if (const YNode* v = top.get("sources")) read_sources(c_, *v);
    if (const YNode* v = top.get("waves")) {
      if (auto x = c_.number(*v, "waves", Range{1, 100, true})) s.waves = static_cast<int>(*x);
    }
    if (const YNode* v = top.get("points")) {
      if (auto x = c_.number(*v, "points", Range{2, 1'000'000, true}))
        s.points = static_cast<int>(*x);
    }
    if (const YNode* v = top.get("runs")) {
      if (auto x = c_.number(*v, "runs", Range{1, 1e9, true})) {
        s.runs = static_cast<std::uint64_t>(*x);
      }
    }
    if (const YNode* v = top.get("cut")) {
      if (auto x = c_.number(*v, "cut", Range{0, 1000, false})) {
        if (*x <= 0) {
          c_.error(*v, "cut", "out of range (got " + v->scalar + ", expected a number above 0)");
        } else {
          s.cut = *x;
        }
      }
    }
    if (const YNode* v = top.get("seed")) {
      if (auto x = c_.number(*v, "seed", Range{0, 9007199254740992.0, true})) {
        s.seed = static_cast<std::uint64_t>(*x);
      }
    }
    if (const YNode* v =
            top.require("parameters", "the free parameters: {PATH: {range: [lo, hi]}, ...}")) {
      s.parameters = parameters(*v);
    }
    if (const YNode* v =
            top.require("targets", "the targets: {NAME: {outcome: ..., value: ...}}")) {
      s.targets = targets(*v);
    }
    return s;
  }

 private:
  std::vector<FreeParameter> parameters(const YNode& n) {
    std::vector<FreeParameter> out;
    if (!n.is_map() || n.entries.empty()) {
      c_.wrong_type(n, "parameters", "a mapping of scenario paths to {range: [lo, hi]}");
      return out;
    }
    std::set<std::string> seen;
    for (const auto& [k, v] : n.entries) {
      const std::string path = "parameters." + k.scalar;
      FreeParameter p{k.scalar, 0, 0, k.loc};
      if (!seen.insert(k.scalar).second) {
        c_.error(k, path, "duplicate parameter");
        continue;
      }
      Fields f(c_, v, path, {"range"});
      if (!f.is_map()) continue;
      const YNode* r = f.require("range", "[lo, hi]");
      if (!r) continue;
      if (!r->is_sequence() || r->items.size() != 2) {
        c_.wrong_type(*r, path + ".range", "[lo, hi]");
        continue;
      }
      auto lo = c_.number(r->items[0], path + ".range.0");
      auto hi = c_.number(r->items[1], path + ".range.1");
      if (!lo || !hi) continue;
      if (!(*lo < *hi)) {
        c_.error(*r, path + ".range",
                 "lo >= hi (got [" + format_number(*lo) + ", " + format_number(*hi) +
                     "], expected lo < hi)");
        continue;
      }
      p.lo = *lo;
      p.hi = *hi;
      out.push_back(p);
    }
    return out;
  }

  std::vector<Target> targets(const YNode& n) {
    std::vector<Target> out;
    if (!n.is_map() || n.entries.empty()) {
      c_.wrong_type(n, "targets", "a mapping of target names to {outcome|cause|event|term: ...}");
      return out;
    }
    for (const auto& [k, v] : n.entries) {
      const std::string path = "targets." + k.scalar;
      if (!c_.valid_name(k, path)) continue;
      Target t;
      t.name = k.scalar;
      t.at = t.agent_at = t.by_at = k.loc;
      Fields f(c_, v, path,
               {"outcome", "cause", "event", "term", "agent", "deal", "by", "value", "tolerance",
                "interval", "sd", "source", "note"});
      if (!f.is_map()) continue;
      int kinds = 0;
      for (const auto& [key, kind] :
           {std::pair{"outcome", TargetKind::outcome}, std::pair{"cause", TargetKind::cause},
            std::pair{"event", TargetKind::event}, std::pair{"term", TargetKind::term}}) {
        if (const YNode* x = f.get(key)) {
          ++kinds;
          t.kind = kind;
          t.at = x->loc;
          if (kind == TargetKind::outcome && x->is_sequence()) {
            // Several classes: the probability that the run ends in any of them.
            for (std::size_t i = 0; i < x->items.size(); ++i) {
              const std::string item = f.sub(key) + "." + std::to_string(i);
              const std::string name = c_.string(x->items[i], item).value_or("");
              if (std::find(kOutcomeList.begin(), kOutcomeList.end(), name) == kOutcomeList.end()) {
                c_.unknown_name(x->items[i].loc, item, "outcome", name, kOutcomeList);
              } else if (std::find(t.outcomes.begin(), t.outcomes.end(), name) !=
                         t.outcomes.end()) {
                c_.error(x->items[i], item, "listed twice (got " + in_quotes(name) + ")");
              } else {
                t.outcomes.push_back(name);
              }
            }
            if (x->items.empty()) c_.wrong_type(*x, f.sub(key), "an outcome or a list of outcomes");
            for (const auto& o : t.outcomes) t.what += (t.what.empty() ? "" : " or ") + o;
          } else {
            t.what = c_.string(*x, f.sub(key)).value_or("");
            if (kind == TargetKind::outcome) {
              if (std::find(kOutcomeList.begin(), kOutcomeList.end(), t.what) ==
                  kOutcomeList.end()) {
                c_.unknown_name(t.at, path + ".outcome", "outcome", t.what, kOutcomeList);
              } else {
                t.outcomes.push_back(t.what);
              }
            }
          }
        }
      }
      if (kinds != 1) {
        c_.error(v, path,
                 kinds == 0 ? "missing what to measure (expected one of outcome, cause, event "
                              "or term)"
                            : "more than one quantity (expected one of outcome, cause, event "
                              "or term)");
        continue;
      }
      if (const YNode* x = f.get("agent")) {
        if (t.kind != TargetKind::cause && t.kind != TargetKind::event) {
          c_.error(*x, path + ".agent", "only a cause or an event has an agent");
        }
        t.agent = c_.string(*x, path + ".agent").value_or("");
        t.agent_at = x->loc;
      }
      if (const YNode* x = f.get("deal")) {
        if (t.kind != TargetKind::term) c_.error(*x, path + ".deal", "only a term has a deal");
        t.deal = c_.string(*x, path + ".deal").value_or("");
        if (t.deal != "full_deal" && t.deal != "interim_deal") {
          c_.error(*x, path + ".deal",
                   "unknown deal (got " + in_quotes(t.deal) +
                       ", expected \"full_deal\" or \"interim_deal\")");
        }
      }
      if (const YNode* x = f.get("by")) {
        if (t.kind != TargetKind::outcome && t.kind != TargetKind::event) {
          c_.error(*x, path + ".by", "only an outcome or an event is measured by a round");
        }
        if (auto r = c_.number(*x, path + ".by", Range{1, 100000, true})) {
          t.by = static_cast<int>(*r);
          t.by_at = x->loc;
        }
      }
      const bool probability = t.kind != TargetKind::term;
      const Range unit = probability ? Range{0, 1, false} : kAnyNumber;
      const YNode* value = f.get("value");
      const YNode* interval = f.get("interval");
      if ((value != nullptr) == (interval != nullptr)) {
        c_.error(v, path,
                 value ? "both value and interval (give one)"
                       : "missing the target (expected value: X [tolerance: T], or interval: [a, "
                         "b])");
      } else if (value) {
        if (auto x = c_.number(*value, path + ".value", unit)) t.value = *x;
        if (const YNode* tol = f.get("tolerance")) {
          if (auto x = c_.number(*tol, path + ".tolerance", Range{0, kInf, false}))
            t.tolerance = *x;
        }
      } else {
        if (f.get("tolerance")) {
          c_.error(*f.get("tolerance"), path + ".tolerance",
                   "an interval is its own tolerance (give value and tolerance, or interval)");
        }
        if (!interval->is_sequence() || interval->items.size() != 2) {
          c_.wrong_type(*interval, path + ".interval", "[a, b]");
        } else {
          auto a = c_.number(interval->items[0], path + ".interval.0", unit);
          auto b = c_.number(interval->items[1], path + ".interval.1", unit);
          if (a && b && *a > *b) {
            c_.error(*interval, path + ".interval",
                     "a > b (got [" + format_number(*a) + ", " + format_number(*b) +
                         "], expected a <= b)");
          } else if (a && b) {
            t.value = (*a + *b) / 2;
            t.tolerance = (*b - *a) / 2;
          }
        }
      }
      if (const YNode* x = f.get("sd")) {
        if (auto s = c_.number(*x, path + ".sd", Range{0, kInf, false})) t.sd = *s;
      }
      if (const YNode* x = f.get("source")) t.source = c_.string(*x, path + ".source").value_or("");
      if (const YNode* x = f.get("note")) c_.string(*x, path + ".note");
      out.push_back(t);
    }
    return out;
  }

 private:
  Checker& c_;
  std::string origin_;
};

double median_se(const Histogram& h) {
  const double n = static_cast<double>(h.count());
  const double d = std::min(0.49, kZ95 * 0.5 / std::sqrt(n));
  return (h.quantile(0.5 + d) - h.quantile(0.5 - d)) / (2 * kZ95);
}

Measure proportion(std::uint64_t k, std::uint64_t n) {
  Measure m;
  m.n = n;
  if (n == 0) return m;
  m.estimate = static_cast<double>(k) / static_cast<double>(n);
  // The binomial standard error, with (k + 1) / (n + 2) in place of k / n so
  // that a point where nothing happened still carries its sampling error.
  const double p = (static_cast<double>(k) + 1) / (static_cast<double>(n) + 2);
  m.se = std::sqrt(p * (1 - p) / static_cast<double>(n));
  return m;
}

/// A mixed seed for wave w > 1 (wave 1 uses the runs' own seed, so its
/// point p is `negsim sweep`'s point p of the same design).
std::uint64_t wave_seed(std::uint64_t seed, int wave) {
  if (wave == 1) return seed;
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ull * static_cast<std::uint64_t>(wave);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::string number(double x) {
  if (std::isnan(x)) return "";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  return format_number(x);
}

Json json_number(double x) {
  if (std::isnan(x)) return nullptr;
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  return x;
}

double quantile_of(std::vector<double> v, double q) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto i = static_cast<std::size_t>(std::floor(pos));
  const double f = pos - static_cast<double>(i);
  return i + 1 < v.size() ? v[i] + f * (v[i + 1] - v[i]) : v[i];
}

}  // namespace

const char* to_string(TargetKind kind) {
  switch (kind) {
    case TargetKind::outcome:
      return "outcome";
    case TargetKind::cause:
      return "cause";
    case TargetKind::event:
      return "event";
    case TargetKind::term:
      return "term";
  }
  return "?";
}

CalibrationSpec load_targets_text(const std::string& yaml, const std::string& origin) {
  const YNode root = parse_yaml_text(yaml, origin, {}, true);
  if (root.is_null()) {
    throw ScenarioError({Diagnostic{SourceLoc{origin, 1, 1}, "",
                                    "file is empty (expected the targets: negsim, parameters, "
                                    "targets)"}});
  }
  Checker c;
  TargetsReader reader(c, origin);
  CalibrationSpec spec = reader.read(root);
  spec.text = yaml;
  if (!c.ok()) {
    sort_by_position(c.diagnostics(), origin);
    throw ScenarioError(std::move(c.diagnostics()));
  }
  return spec;
}

CalibrationSpec load_targets(const std::string& path) {
  return load_targets_text(read_text_file(path), path);
}

void resolve(const CalibrationSpec& spec, const model::Negotiation& negotiation) {
  const Scenario& s = negotiation.scenario();
  const model::Catalog& catalog = negotiation.catalog();
  Checker c;
  std::vector<std::string> agents, issues, events;
  for (const Agent& a : s.agents) agents.push_back(a.name);
  for (const Issue& i : s.issues) issues.push_back(i.name);
  for (const auto& e : catalog.events) events.push_back(e.name);
  const std::vector<std::string> causes(catalog.causes.begin() + 1, catalog.causes.end());
  const std::string where = " of " + in_quotes(s.name);
  for (const Target& t : spec.targets) {
    const std::string path = "targets." + t.name;
    switch (t.kind) {
      case TargetKind::outcome:
        break;
      case TargetKind::cause:
        if (std::find(causes.begin(), causes.end(), t.what) == causes.end()) {
          c.unknown_name(t.at, path + ".cause", "cause in the model" + where, t.what, causes);
        }
        break;
      case TargetKind::event:
        if (std::find(events.begin(), events.end(), t.what) == events.end()) {
          c.unknown_name(t.at, path + ".event", "event in the model" + where, t.what, events);
        }
        break;
      case TargetKind::term:
        if (std::find(issues.begin(), issues.end(), t.what) == issues.end()) {
          c.unknown_name(t.at, path + ".term", "issue" + where, t.what, issues);
        }
        break;
    }
    if (!t.agent.empty() && std::find(agents.begin(), agents.end(), t.agent) == agents.end()) {
      c.unknown_name(t.agent_at, path + ".agent", "agent" + where, t.agent, agents);
    }
    if (t.by > s.rounds.horizon) {
      c.error(t.by_at, path + ".by",
              "after the horizon (got " + std::to_string(t.by) + ", expected 1 to " +
                  std::to_string(s.rounds.horizon) + ", the scenario's rounds.horizon)");
    }
  }
  if (!c.ok()) {
    sort_by_position(c.diagnostics(), spec.file);
    throw ScenarioError(std::move(c.diagnostics()));
  }
}

Measure measure(const Target& t, const model::Negotiation& negotiation, const Tally& tally) {
  const Scenario& s = negotiation.scenario();
  const model::Catalog& catalog = negotiation.catalog();
  switch (t.kind) {
    case TargetKind::outcome: {
      std::uint64_t k = 0;
      for (const std::string& name : t.outcomes.empty() ? std::vector{t.what} : t.outcomes) {
        const auto o = static_cast<std::size_t>(
            std::find(kOutcomeList.begin(), kOutcomeList.end(), name) - kOutcomeList.begin());
        if (t.by == 0) {
          k += tally.outcomes[o];
          continue;
        }
        for (std::size_t u = 1; u <= static_cast<std::size_t>(t.by) && u < tally.by_round.size();
             ++u) {
          k += tally.by_round[u][o];
        }
      }
      return proportion(k, tally.runs);
    }
    case TargetKind::cause: {
      const model::Cause cause = catalog.cause(t.what);
      if (t.agent.empty()) return proportion(tally.causes[cause], tally.runs);
      return proportion(tally.cause_agent[cause][*s.agent_index(t.agent)], tally.runs);
    }
    case TargetKind::event: {
      const int kind = catalog.event(t.what);
      const int agent = t.agent.empty() ? -1 : static_cast<int>(*s.agent_index(t.agent));
      std::uint64_t k = 0;
      if (auto it = tally.first_event.find({kind, agent}); it != tally.first_event.end()) {
        for (std::size_t u = 1; u < it->second.size(); ++u) {
          if (t.by == 0 || static_cast<int>(u) <= t.by) k += it->second[u];
        }
      }
      return proportion(k, tally.runs);
    }
    case TargetKind::term: {
      const std::size_t deal = t.deal == "interim_deal" ? 1 : 0;
      const Histogram& h = tally.terms[deal][*s.issue_index(t.what)];
      Measure m;
      m.n = h.count();
      if (m.n == 0) return m;
      m.estimate = h.quantile(0.5);
      m.se = median_se(h);
      return m;
    }
  }
  return {};
}

double implausibility(const Target& t, const Measure& m) {
  if (std::isnan(m.estimate)) return kInfinity;
  const double gap = std::max(0.0, std::abs(m.estimate - t.value) - t.tolerance);
  if (gap == 0) return 0;
  const double sd = std::sqrt(t.sd * t.sd + m.se * m.se);
  return sd > 0 ? gap / sd : kInfinity;
}

Calibration calibrate(const CalibrationSpec& spec, const CalibrateOptions& options) {
  namespace fs = std::filesystem;
  Calibration out;
  out.spec = spec;
  const std::size_t k = spec.parameters.size(), nt = spec.targets.size();
  std::vector<std::string> paths;
  for (const auto& p : spec.parameters) paths.push_back(p.path);
  const Scenario base = load_scenario(options.source, options.overrides);
  const model::Negotiation base_negotiation(base);
  resolve(spec, base_negotiation);

  // Wave 1 samples the prior ranges.
  std::vector<std::pair<double, double>> box;
  for (const auto& p : spec.parameters) box.emplace_back(p.lo, p.hi);
  for (int wave = 1; wave <= spec.waves; ++wave) {
    const auto start = std::chrono::steady_clock::now();
    DesignSpec ds;
    ds.kind = DesignKind::lhs;
    ds.points = spec.points;
    ds.seed = wave_seed(spec.seed, wave);
    for (std::size_t j = 0; j < k; ++j) {
      SweptParameter sp;
      sp.path = paths[j];
      sp.lo = box[j].first;
      sp.hi = box[j].second;
      ds.parameters.push_back(sp);
    }
    const Design design = generate(ds);

    SweepOptions so;
    so.scenario_file = options.scenario_file;
    so.source = options.source;
    so.overrides = options.overrides;
    so.seed = wave_seed(options.seed, wave);
    so.runs = spec.runs;
    so.threads = options.threads;
    so.cancel = options.cancel;
    so.shard = options.shard;
    so.shards = options.shards;
    const std::vector<std::size_t> mine = shard_points(design, so);
    check_points(so, design, mine);

    // The wave's identity: everything its points depend on.
    Json id;
    id["calibration"] = spec.text;
    id["wave"] = wave;
    id["design_seed"] = ds.seed;
    Json jbox = Json::array();
    for (const auto& [lo, hi] : box) jbox.push_back({lo, hi});
    id["box"] = jbox;
    Manifest manifest =
        sweep_manifest(base, options.scenario_file, id.dump(), so, design.points.size());
    manifest["parameters"] = nlohmann::json(paths).dump();
    const fs::path dir = fs::path(options.out_dir) / ("wave-" + std::to_string(wave));
    fs::create_directories(dir);
    auto store_path = [&](std::uint64_t shard) {
      return (dir / (options.shards == 1 ? std::string("sweep.sqlite")
                                         : "shard-" + std::to_string(shard) + "-of-" +
                                               std::to_string(options.shards) + ".sqlite"))
          .string();
    };
    std::vector<PointRecord> records;
    std::size_t resumed = 0;
    {
      SweepStore store(store_path(options.shard), manifest);
      const std::set<std::uint64_t> done = store.done();
      resumed = done.size();
      std::size_t finished = done.size();
      if (options.progress) options.progress(wave, finished, mine.size());
      const bool complete =
          run_sweep(so, design, mine, done,
                    [&](std::size_t p, const model::Negotiation& negotiation, const Tally& tally) {
                      PointRecord r = point_record(negotiation, p, design.points[p], tally);
                      Json summary = Json::parse(r.summary);
                      Json measures = Json::array();
                      for (const Target& t : spec.targets) {
                        const Measure m = measure(t, negotiation, tally);
                        measures.push_back({json_number(m.estimate), json_number(m.se), m.n});
                      }
                      summary["calibration"] = measures;
                      r.summary = summary.dump();
                      store.put(r);
                      if (options.progress) options.progress(wave, ++finished, mine.size());
                    });
      if (!complete) {
        out.cancelled = true;
        break;
      }
      records = store.all();
    }
    // The other shards' points of this wave, once they are all stored.
    if (options.shards > 1) {
      const auto deadline =
          std::chrono::steady_clock::now() + std::chrono::duration<double>(options.wait_seconds);
      for (;;) {
        std::vector<std::string> missing;
        std::vector<PointRecord> theirs;
        for (std::uint64_t other = 0; other < options.shards; ++other) {
          if (other == options.shard) continue;
          SweepOptions them = so;
          them.shard = other;
          const std::size_t expected = shard_points(design, them).size();
          const std::string path = store_path(other);
          if (!fs::exists(path)) {
            missing.push_back(path);
            continue;
          }
          const SweepStore store(path);  // read-only
          if (store.manifest() != manifest) {
            throw SweepError(path + ": from another calibration than " + store_path(options.shard) +
                             " (different manifest)");
          }
          if (store.done().size() < expected) {
            missing.push_back(path);
            continue;
          }
          for (auto& r : store.all()) theirs.push_back(std::move(r));
        }
        if (missing.empty()) {
          for (auto& r : theirs) records.push_back(std::move(r));
          break;
        }
        if (std::chrono::steady_clock::now() >= deadline ||
            (options.cancel && options.cancel->load())) {
          out.waiting_wave = wave;
          out.waiting_for = missing;
          out.cancelled = options.cancel && options.cancel->load();
          return out;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
      }
      std::sort(records.begin(), records.end(),
                [](const PointRecord& a, const PointRecord& b) { return a.point < b.point; });
    }
    WaveSummary ws;
    ws.wave = wave;
    ws.box = box;
    ws.points = design.points.size();
    ws.resumed = resumed;
    for (const PointRecord& r : records) {
      CalibrationPoint cp;
      cp.wave = wave;
      cp.point = r.point;
      cp.values = design.points[r.point];
      const Json summary = Json::parse(r.summary);
      const Json& ms = summary.at("calibration");
      cp.max_implausibility = 0;
      for (std::size_t t = 0; t < nt; ++t) {
        Measure m;
        const Json& e = ms.at(t);
        m.estimate =
            e[0].is_number() ? e[0].get<double>() : std::numeric_limits<double>::quiet_NaN();
        m.se = e[1].is_number() ? e[1].get<double>() : std::numeric_limits<double>::quiet_NaN();
        m.n = e[2].get<std::uint64_t>();
        cp.measures.push_back(m);
        cp.implausibility.push_back(implausibility(spec.targets[t], m));
        cp.max_implausibility = std::max(cp.max_implausibility, cp.implausibility.back());
      }
      cp.kept = cp.max_implausibility <= spec.cut;
      ws.kept += cp.kept;
      out.points.push_back(std::move(cp));
    }
    ws.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    out.waves.push_back(ws);

    // The next wave samples the box around every point kept so far, with a
    // margin so that the region's edges are sampled again. Where this wave
    // kept points close to an edge of its box (within two strata) that is
    // not the prior's, the region goes on beyond it: that side moves out by
    // half the box's width.
    std::vector<std::pair<double, double>> kept(k, {kInfinity, -kInfinity}), latest = kept;
    std::size_t n_kept = 0;
    for (const auto& cp : out.points) {
      if (!cp.kept) continue;
      ++n_kept;
      for (std::size_t j = 0; j < k; ++j) {
        kept[j].first = std::min(kept[j].first, cp.values[j]);
        kept[j].second = std::max(kept[j].second, cp.values[j]);
        if (cp.wave == wave) {
          latest[j].first = std::min(latest[j].first, cp.values[j]);
          latest[j].second = std::max(latest[j].second, cp.values[j]);
        }
      }
    }
    if (n_kept == 0) break;  // nothing survives: the targets conflict
    for (std::size_t j = 0; j < k; ++j) {
      const FreeParameter& p = spec.parameters[j];
      const double width = box[j].second - box[j].first;
      const double near = 2 * width / spec.points;
      const double margin = std::max(
          {0.1 * (kept[j].second - kept[j].first), 0.02 * (p.hi - p.lo), width / spec.points});
      double lo = kept[j].first - margin, hi = kept[j].second + margin;
      if (box[j].first > p.lo && latest[j].first - box[j].first <= near) {
        lo = std::min(lo, box[j].first - width / 2);
      }
      if (box[j].second < p.hi && box[j].second - latest[j].second <= near) {
        hi = std::max(hi, box[j].second + width / 2);
      }
      box[j] = {std::max(p.lo, lo), std::min(p.hi, hi)};
    }
  }

  // The region: every point kept, whatever its wave.
  out.ranges.assign(k, {kInfinity, -kInfinity});
  std::vector<std::vector<double>> values(k);
  for (const auto& cp : out.points) {
    if (!cp.kept) continue;
    ++out.kept;
    for (std::size_t j = 0; j < k; ++j) {
      out.ranges[j].first = std::min(out.ranges[j].first, cp.values[j]);
      out.ranges[j].second = std::max(out.ranges[j].second, cp.values[j]);
      values[j].push_back(cp.values[j]);
    }
  }
  for (std::size_t j = 0; j < k; ++j) out.medians.push_back(quantile_of(values[j], 0.5));
  out.conflict.assign(nt, std::vector<double>(nt, kInfinity));
  for (const auto& cp : out.points) {
    for (std::size_t i = 0; i < nt; ++i) {
      for (std::size_t j = 0; j < nt; ++j) {
        out.conflict[i][j] =
            std::min(out.conflict[i][j], std::max(cp.implausibility[i], cp.implausibility[j]));
      }
    }
  }
  return out;
}

namespace {

std::string target_text(const Target& t) {
  std::string s;
  switch (t.kind) {
    case TargetKind::outcome:
      s = "P(" + t.what + (t.by ? " by round " + std::to_string(t.by) : "") + ")";
      break;
    case TargetKind::cause:
      s = "P(breakdown by " + t.what + (t.agent.empty() ? "" : ", ended by " + t.agent) + ")";
      break;
    case TargetKind::event:
      s = "P(" + t.what + (t.agent.empty() ? "" : " by " + t.agent) +
          (t.by ? ", by round " + std::to_string(t.by) : "") + ")";
      break;
    case TargetKind::term:
      s = "median " + t.what + " of a " + t.deal;
      break;
  }
  return s;
}

/// A number as written in a file (0.1 + 0.05 as 0.15, not 0.15000000000000002).
std::string written(double x) { return format_number(std::round(x * 1e12) / 1e12); }

std::string target_goal(const Target& t) {
  std::string s = t.tolerance > 0 ? "[" + written(t.value - t.tolerance) + ", " +
                                        written(t.value + t.tolerance) + "]"
                                  : written(t.value);
  if (t.sd > 0) s += " (sd " + format_number(t.sd) + ")";
  return s;
}

struct AcrossRegion {
  double min = kInfinity, median = 0, max = -kInfinity;
  std::size_t within = 0;  ///< kept points whose estimate is within the tolerance
};

AcrossRegion across(const Calibration& c, std::size_t t) {
  AcrossRegion a;
  std::vector<double> v;
  const Target& target = c.spec.targets[t];
  for (const auto& cp : c.points) {
    if (!cp.kept) continue;
    const double e = cp.measures[t].estimate;
    v.push_back(e);
    a.min = std::min(a.min, e);
    a.max = std::max(a.max, e);
    a.within += std::abs(e - target.value) <= target.tolerance;
  }
  a.median = quantile_of(v, 0.5);
  return a;
}

}  // namespace

std::string calibration_points_csv(const Calibration& c, bool kept_only) {
  std::ostringstream out;
  out << "wave,point";
  for (const auto& p : c.spec.parameters) out << "," << p.path;
  for (const auto& t : c.spec.targets)
    out << "," << t.name << "," << t.name << "_se," << t.name << "_implausibility";
  out << ",max_implausibility,kept\n";
  for (const auto& cp : c.points) {
    if (kept_only && !cp.kept) continue;
    out << cp.wave << "," << cp.point;
    for (double v : cp.values) out << "," << number(v);
    for (std::size_t t = 0; t < cp.measures.size(); ++t) {
      out << "," << number(cp.measures[t].estimate) << "," << number(cp.measures[t].se) << ","
          << number(cp.implausibility[t]);
    }
    out << "," << number(cp.max_implausibility) << "," << (cp.kept ? 1 : 0) << "\n";
  }
  return out.str();
}

std::string calibration_ranges_csv(const Calibration& c) {
  std::ostringstream out;
  out << "parameter,prior_lo,prior_hi,kept_lo,kept_hi,kept_median\n";
  for (std::size_t j = 0; j < c.spec.parameters.size(); ++j) {
    const auto& p = c.spec.parameters[j];
    out << p.path << "," << number(p.lo) << "," << number(p.hi) << ",";
    if (c.kept) {
      out << number(c.ranges[j].first) << "," << number(c.ranges[j].second) << ","
          << number(c.medians[j]);
    } else {
      out << ",,";
    }
    out << "\n";
  }
  return out.str();
}

std::string calibration_targets_csv(const Calibration& c) {
  std::ostringstream out;
  out << "target,quantity,value,tolerance,sd,kept_min,kept_median,kept_max,kept_within,kept,"
         "min_implausibility\n";
  for (std::size_t t = 0; t < c.spec.targets.size(); ++t) {
    const Target& target = c.spec.targets[t];
    const AcrossRegion a = across(c, t);
    out << target.name << ",\"" << target_text(target) << "\"," << number(target.value) << ","
        << number(target.tolerance) << "," << number(target.sd) << ",";
    if (c.kept) {
      out << number(a.min) << "," << number(a.median) << "," << number(a.max) << "," << a.within;
    } else {
      out << ",,,0";
    }
    out << "," << c.kept << "," << number(c.conflict[t][t]) << "\n";
  }
  return out.str();
}

std::string calibration_json(const Calibration& c) {
  Json j;
  j["negsim"] = kVersion;
  j["targets_file"] = c.spec.file;
  j["method"] = "history matching";
  j["cut"] = c.spec.cut;
  j["waves_planned"] = c.spec.waves;
  j["points_per_wave"] = c.spec.points;
  j["runs_per_point"] = c.spec.runs;
  j["design_seed"] = c.spec.seed;
  j["cancelled"] = c.cancelled;
  Json waves = Json::array();
  for (const auto& w : c.waves) {
    Json box = Json::object();
    for (std::size_t p = 0; p < w.box.size(); ++p) {
      box[c.spec.parameters[p].path] = {w.box[p].first, w.box[p].second};
    }
    waves.push_back({{"wave", w.wave},
                     {"points", w.points},
                     {"kept", w.kept},
                     {"resumed", w.resumed},
                     {"seconds", w.seconds},
                     {"box", box}});
  }
  j["waves"] = waves;
  j["points"] = c.points.size();
  j["kept"] = c.kept;
  Json params = Json::object();
  for (std::size_t p = 0; p < c.spec.parameters.size(); ++p) {
    const auto& fp = c.spec.parameters[p];
    Json o{{"prior", {fp.lo, fp.hi}}};
    if (c.kept) {
      o["kept"] = {c.ranges[p].first, c.ranges[p].second};
      o["median"] = c.medians[p];
    }
    params[fp.path] = o;
  }
  j["parameters"] = params;
  Json targets = Json::object();
  for (std::size_t t = 0; t < c.spec.targets.size(); ++t) {
    const Target& target = c.spec.targets[t];
    Json o{{"quantity", target_text(target)},
           {"value", target.value},
           {"tolerance", target.tolerance},
           {"sd", target.sd},
           {"min_implausibility", json_number(c.conflict[t][t])}};
    if (!target.source.empty()) o["source"] = target.source;
    if (c.kept) {
      const AcrossRegion a = across(c, t);
      o["kept"] = {{"min", a.min}, {"median", a.median}, {"max", a.max}, {"within", a.within}};
    }
    targets[target.name] = o;
  }
  j["targets"] = targets;
  Json conflicts = Json::array();
  for (std::size_t a = 0; a < c.spec.targets.size(); ++a) {
    for (std::size_t b = a + 1; b < c.spec.targets.size(); ++b) {
      conflicts.push_back({{"targets", {c.spec.targets[a].name, c.spec.targets[b].name}},
                           {"min_implausibility", json_number(c.conflict[a][b])},
                           {"conflict", c.conflict[a][b] > c.spec.cut}});
    }
  }
  j["pairs"] = conflicts;
  return j.dump(2) + "\n";
}

std::string calibration_markdown(const Calibration& c) {
  std::ostringstream out;
  out << "## Calibration (history matching)\n\n"
      << "Targets: `" << c.spec.file << "`; " << c.waves.size() << " of " << c.spec.waves
      << " waves of " << c.spec.points << " points, " << c.spec.runs
      << " runs each; a point is kept when every target's implausibility is at most "
      << format_number(c.spec.cut) << " (docs/CALIBRATION.md).\n\n"
      << "| wave | points | kept | seconds |\n|---:|---:|---:|---:|\n";
  for (const auto& w : c.waves) {
    out << "| " << w.wave << " | " << w.points << " | " << w.kept << " | " << fixed(w.seconds, 1)
        << " |\n";
  }
  out << "\n" << c.kept << " of " << c.points.size() << " points are not ruled out.\n\n";
  if (c.kept) {
    out << "| parameter | prior | kept range | kept median |\n|---|---|---|---:|\n";
    for (std::size_t p = 0; p < c.spec.parameters.size(); ++p) {
      const auto& fp = c.spec.parameters[p];
      out << "| `" << fp.path << "` | [" << format_number(fp.lo) << ", " << format_number(fp.hi)
          << "] | [" << fixed(c.ranges[p].first, 4) << ", " << fixed(c.ranges[p].second, 4)
          << "] | " << fixed(c.medians[p], 4) << " |\n";
    }
    out << "\n| target | quantity | wanted | across the kept points (min, median, max) | "
           "within tolerance |\n|---|---|---|---|---:|\n";
    for (std::size_t t = 0; t < c.spec.targets.size(); ++t) {
      const Target& target = c.spec.targets[t];
      const AcrossRegion a = across(c, t);
      out << "| " << target.name << " | " << target_text(target) << " | " << target_goal(target)
          << " | " << fixed(a.min, 3) << ", " << fixed(a.median, 3) << ", " << fixed(a.max, 3)
          << " | " << a.within << " of " << c.kept << " |\n";
    }
  } else {
    out << "**No point survives: the targets cannot all be met** within the priors. The "
           "smallest implausibility reached by each target alone (diagonal) and by each pair "
           "together (the larger of the two at the best point):\n\n| |";
    for (const auto& t : c.spec.targets) out << " " << t.name << " |";
    out << "\n|---|";
    for (std::size_t t = 0; t < c.spec.targets.size(); ++t) out << "---:|";
    out << "\n";
    for (std::size_t a = 0; a < c.spec.targets.size(); ++a) {
      out << "| " << c.spec.targets[a].name << " |";
      for (std::size_t b = 0; b < c.spec.targets.size(); ++b) {
        const double x = c.conflict[a][b];
        out << " " << (std::isinf(x) ? std::string("inf") : fixed(x, 1))
            << (x > c.spec.cut ? " **x**" : "") << " |";
      }
      out << "\n";
    }
    out << "\n(**x**: above the cut of " << format_number(c.spec.cut)
        << ", so no point met both.)\n";
    for (std::size_t a = 0; a < c.spec.targets.size(); ++a) {
      for (std::size_t b = a + 1; b < c.spec.targets.size(); ++b) {
        if (c.conflict[a][b] > c.spec.cut && c.conflict[a][a] <= c.spec.cut &&
            c.conflict[b][b] <= c.spec.cut) {
          out << "\nConflict: " << c.spec.targets[a].name << " and " << c.spec.targets[b].name
              << " can each be met, but not together.\n";
        }
      }
    }
  }
  return out.str();
}

std::string calibrated_variant(const Calibration& c, const ScenarioSource& source,
                               const std::vector<Override>& overrides,
                               const std::string& base_path) {
  // Each free parameter uniform over its kept range, where the path takes a
  // distribution; else (a distribution's own parameter) the kept median.
  std::vector<Override> all = overrides;
  std::vector<std::string> how;
  for (std::size_t p = 0; p < c.spec.parameters.size(); ++p) {
    const std::string& path = c.spec.parameters[p].path;
    Override o{path,
               "{uniform: [" + format_number(c.ranges[p].first) + ", " +
                   format_number(c.ranges[p].second) + "]}",
               path + "=...", true};
    all.push_back(o);
    try {
      load_scenario(source, all);
      how.push_back("uniform over the kept range");
    } catch (const ScenarioError&) {
      all.back().value = format_number(c.medians[p]);
      how.push_back("the kept median (the path does not take a distribution)");
    }
  }
  const Scenario calibrated = load_scenario(source, all);
  const Json resolved = Json::parse(to_json(calibrated));

  // Write, for each path, the whole value at the first distribution or list
  // on its way (a variant replaces a distribution whole, never merges it).
  Json tree = Json::object();
  auto is_distribution = [](const Json& v) {
    if (!v.is_object()) return false;
    for (const char* kind : {"uniform", "normal", "beta", "triangular", "choice", "lognormal"}) {
      if (v.contains(kind)) return true;
    }
    return false;
  };
  auto place = [&](const std::string& dotted) {
    std::vector<std::string> parts;
    std::stringstream in(dotted);
    std::string part;
    while (std::getline(in, part, '.')) parts.push_back(part);
    const Json* at = &resolved;
    Json* into = &tree;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (!at->is_object() || !at->contains(parts[i])) break;
      at = &(*at)[parts[i]];
      const bool last = i + 1 == parts.size();
      if (last || is_distribution(*at) || at->is_array() || !at->is_object()) {
        (*into)[parts[i]] = *at;
        return;
      }
      if (!into->contains(parts[i]) || !(*into)[parts[i]].is_object()) {
        (*into)[parts[i]] = Json::object();
      }
      into = &(*into)[parts[i]];
    }
  };
  for (const auto& o : overrides) place(o.path);
  for (const auto& p : c.spec.parameters) place(p.path);

  std::ostringstream out;
  out << "# Calibrated by negsim calibrate (history matching) to " << c.spec.file << ":\n"
      << "# " << c.kept << " of " << c.points.size() << " points kept at a cut of "
      << format_number(c.spec.cut) << " over " << c.waves.size()
      << " waves. Each free parameter:\n";
  for (std::size_t p = 0; p < c.spec.parameters.size(); ++p) {
    out << "#   " << c.spec.parameters[p].path << ": " << how[p] << " (kept "
        << fixed(c.ranges[p].first, 4) << " to " << fixed(c.ranges[p].second, 4) << ", median "
        << fixed(c.medians[p], 4) << ")\n";
  }
  out << "# The parameters are drawn independently over the kept box; the kept points\n"
         "# themselves (non-implausible.csv) also carry how they go together.\n"
      << "negsim: 1\nbase: " << Json(base_path).dump()
      << "\nname: " << Json(calibrated.name + ", calibrated").dump() << "\n";
  std::function<void(const Json&, int)> write = [&](const Json& node, int indent) {
    for (const auto& [key, value] : node.items()) {
      out << std::string(static_cast<std::size_t>(indent), ' ') << key << ":";
      if (value.is_object() && !is_distribution(value) && !value.empty()) {
        out << "\n";
        write(value, indent + 2);
      } else {
        out << " " << value.dump() << "\n";
      }
    }
  };
  Json body = tree;
  body.erase("name");
  write(body, 0);
  return out.str();
}

void write_calibration_sqlite(const Calibration& c, const std::string& path) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  std::filesystem::remove(tmp);
  sqlite3* db = nullptr;
  if (sqlite3_open(tmp.c_str(), &db) != SQLITE_OK) {
    const std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw std::runtime_error("cannot write " + tmp + ": " + msg);
  }
  auto exec = [&](const std::string& sql) {
    char* error = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      const std::string msg = error ? error : "unknown error";
      sqlite3_free(error);
      sqlite3_close(db);
      std::filesystem::remove(tmp);
      throw std::runtime_error("cannot write " + tmp + ": " + msg);
    }
  };
  auto quote = [](const std::string& s) {
    std::string q = "'";
    for (char ch : s) q += ch == '\'' ? std::string("''") : std::string(1, ch);
    return q + "'";
  };
  auto real = [](double x) { return std::isfinite(x) ? format_number(x) : std::string("NULL"); };
  exec("BEGIN");
  exec("CREATE TABLE calibration (key TEXT PRIMARY KEY, value TEXT)");
  exec("INSERT INTO calibration VALUES ('json', " + quote(calibration_json(c)) + ")");
  exec(
      "CREATE TABLE parameters (parameter TEXT, prior_lo REAL, prior_hi REAL, kept_lo REAL, "
      "kept_hi REAL, kept_median REAL)");
  for (std::size_t p = 0; p < c.spec.parameters.size(); ++p) {
    const auto& fp = c.spec.parameters[p];
    exec("INSERT INTO parameters VALUES (" + quote(fp.path) + ", " + real(fp.lo) + ", " +
         real(fp.hi) + ", " + (c.kept ? real(c.ranges[p].first) : "NULL") + ", " +
         (c.kept ? real(c.ranges[p].second) : "NULL") + ", " +
         (c.kept ? real(c.medians[p]) : "NULL") + ")");
  }
  exec(
      "CREATE TABLE points (wave INTEGER, point INTEGER, parameter_values TEXT, measures TEXT, "
      "max_implausibility REAL, kept INTEGER)");
  for (const auto& cp : c.points) {
    Json values = Json::object(), measures = Json::object();
    for (std::size_t p = 0; p < cp.values.size(); ++p) {
      values[c.spec.parameters[p].path] = cp.values[p];
    }
    for (std::size_t t = 0; t < cp.measures.size(); ++t) {
      measures[c.spec.targets[t].name] = {{"estimate", json_number(cp.measures[t].estimate)},
                                          {"se", json_number(cp.measures[t].se)},
                                          {"implausibility", json_number(cp.implausibility[t])}};
    }
    exec("INSERT INTO points VALUES (" + std::to_string(cp.wave) + ", " + std::to_string(cp.point) +
         ", " + quote(values.dump()) + ", " + quote(measures.dump()) + ", " +
         real(cp.max_implausibility) + ", " + (cp.kept ? "1" : "0") + ")");
  }
  exec("CREATE VIEW kept AS SELECT * FROM points WHERE kept = 1");
  exec("COMMIT");
  sqlite3_close(db);
  std::filesystem::rename(tmp, path);
}

}  // namespace negsim
