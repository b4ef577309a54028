#include "negsim/score.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "negsim/detail/text.hpp"
#include "negsim/detail/yaml_check.hpp"
#include "negsim/detail/yaml_tree.hpp"

namespace negsim {
namespace {

using namespace detail;
using Json = nlohmann::ordered_json;

const std::vector<std::string> kClasses(model::kOutcomeNames.begin(), model::kOutcomeNames.end());
constexpr std::size_t kNoAgreement = static_cast<std::size_t>(model::Outcome::no_agreement);

/// The index of an outcome class by name (kOutcomes when it is none).
std::size_t class_index(const std::string& name) {
  return static_cast<std::size_t>(std::find(kClasses.begin(), kClasses.end(), name) -
                                  kClasses.begin());
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/// YYYY-MM-DD, a real day.
bool valid_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  const int y = std::stoi(s.substr(0, 4)), m = std::stoi(s.substr(5, 2)),
            d = std::stoi(s.substr(8, 2));
  constexpr std::array<int, 12> days{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= days[static_cast<std::size_t>(m - 1)] + (m == 2 && leap(y) ? 1 : 0);
}

class ObservedReader {
 public:
  ObservedReader(Checker& c, std::string origin) : c_(c), origin_(std::move(origin)) {}

  ObservedCourse read(const YNode& root) {
    ObservedCourse o;
    o.file = origin_;
    Fields top(c_, root, "",
               {"negsim", "name", "start", "sources", "outcome", "events", "references"});
    if (!top.is_map()) return o;
    if (const YNode* v = top.require("negsim", "the format version, 1")) {
      if (auto x = c_.number(*v, "negsim", Range{-kInf, kInf, true}); x && *x != 1) {
        c_.error(*v, "negsim", "unsupported format version (got " + v->scalar + ", expected 1)");
      }
    }
    if (const YNode* v = top.require("name", "what the file records")) {
      o.name = c_.string(*v, "name").value_or("");
    }
    if (const YNode* v = top.get("start")) o.start = date(*v, "start");
    if (const YNode* v = top.get("sources")) o.sources = read_sources(c_, *v);
    for (const Source& s : o.sources) {
      if (!s.id.empty()) source_ids_.insert(s.id);
    }
    if (const YNode* v = top.require("outcome", "the observed outcome: {class, round, ...}")) {
      o.outcome = outcome(*v);
    }
    if (const YNode* v = top.get("events")) o.events = events(*v);
    if (const YNode* v = top.get("references")) o.references = references(*v);
    return o;
  }

 private:
  std::string date(const YNode& n, const std::string& path) {
    auto s = c_.string(n, path);
    if (s && !valid_date(*s)) {
      c_.error(n, path, "not a date (got " + in_quotes(*s) + ", expected YYYY-MM-DD)");
      return "";
    }
    return s.value_or("");
  }

  Located<std::string> name(const YNode& n, const std::string& path) {
    return Located<std::string>{c_.string(n, path).value_or(""), n.loc};
  }

  Located<int> round(const YNode& n, const std::string& path) {
    const auto x = c_.number(n, path, Range{1, 100000, true});
    return Located<int>{x ? static_cast<int>(*x) : 0, n.loc};
  }

  ObservedOutcome outcome(const YNode& n) {
    ObservedOutcome out;
    Fields f(c_, n, "outcome", {"class", "round", "cause", "agent", "note"});
    if (!f.is_map()) return out;
    if (const YNode* v = f.require("class", "one of " + join_alternatives(kClasses))) {
      out.kind = name(*v, "outcome.class");
      if (!out.kind.value.empty() && class_index(out.kind.value) == kOutcomes) {
        c_.unknown_name(v->loc, "outcome.class", "outcome class", out.kind.value, kClasses);
        out.kind.value.clear();
      }
    }
    const bool at_horizon = out.kind.value == "no_agreement";
    if (const YNode* v = f.get("round")) {
      out.round = round(*v, "outcome.round");
    } else if (!at_horizon && !out.kind.value.empty()) {
      c_.error(n, "outcome.round",
               "missing (expected the round the " + out.kind.value + " happened)");
    }
    if (const YNode* v = f.get("cause")) out.cause = name(*v, "outcome.cause");
    if (const YNode* v = f.get("agent")) out.agent = name(*v, "outcome.agent");
    if (const YNode* v = f.get("note")) out.note = c_.string(*v, "outcome.note").value_or("");
    return out;
  }

  /// A list under `key` whose items are mappings with the given keys: each
  /// item that is a mapping is read by read_one(Fields&).
  template <class T, class ReadOne>
  std::vector<T> list(const YNode& n, const std::string& key, const std::string& expected,
                      std::vector<std::string> keys, ReadOne&& read_one) {
    std::vector<T> out;
    if (!n.is_sequence()) {
      c_.wrong_type(n, key, expected);
      return out;
    }
    for (std::size_t i = 0; i < n.items.size(); ++i) {
      Fields f(c_, n.items[i], join_path(key, std::to_string(i)), keys);
      if (f.is_map()) out.push_back(read_one(f));
    }
    return out;
  }

  std::vector<ObservedEvent> events(const YNode& n) {
    return list<ObservedEvent>(
        n, "events", "a list of {event, agent, round}", {"event", "agent", "round", "note"},
        [&](Fields& f) {
          ObservedEvent e;
          if (const YNode* v = f.require("event", "the event's name, as negsim names it")) {
            e.event = name(*v, f.sub("event"));
          }
          if (const YNode* v = f.get("agent")) e.agent = name(*v, f.sub("agent"));
          if (const YNode* v = f.require("round", "the round it happened")) {
            e.round = round(*v, f.sub("round"));
          }
          if (const YNode* v = f.get("note")) e.note = c_.string(*v, f.sub("note")).value_or("");
          return e;
        });
  }

  std::vector<ReferenceForecast> references(const YNode& n) {
    return list<ReferenceForecast>(
        n, "references", "a list of {name, date, probabilities}",
        {"name", "date", "source", "probabilities"}, [&](Fields& f) {
          ReferenceForecast r;
          if (const YNode* v = f.require("name", "the forecast's name")) {
            r.name = c_.string(*v, f.sub("name")).value_or("");
            if (r.name == "uniform") {
              c_.error(*v, f.sub("name"), "\"uniform\" is always scored: give another name");
            }
          }
          if (const YNode* v = f.get("date")) r.date = date(*v, f.sub("date"));
          if (const YNode* v = f.get("source")) {
            r.source = c_.string(*v, f.sub("source")).value_or("");
            if (!r.source.empty() && !source_ids_.count(r.source)) {
              const std::vector<std::string> ids(source_ids_.begin(), source_ids_.end());
              if (ids.empty()) {
                c_.error(
                    *v, f.sub("source"),
                    "unknown source (got " + in_quotes(r.source) + ", and `sources` gives no id)");
              } else {
                c_.unknown_name(v->loc, f.sub("source"), "source", r.source, ids);
              }
            }
          }
          if (const YNode* v = f.require("probabilities",
                                         "a mapping of outcome classes to "
                                         "probabilities")) {
            const std::string sub = f.sub("probabilities");
            double sum = 0;
            for_each_named(c_, *v, sub, "outcome classes to probabilities",
                           [&](const YNode& key, const YNode& value, const std::string& kpath) {
                             if (class_index(key.scalar) == kOutcomes) {
                               c_.unknown_name(key.loc, kpath, "outcome class", key.scalar,
                                               kClasses);
                               return;
                             }
                             if (auto x = c_.number(value, kpath, kProbability)) {
                               sum += *x;
                               r.given.push_back({Located<std::string>{key.scalar, key.loc},
                                                  Located<double>{*x, value.loc}});
                             }
                           });
            if (sum > 1 + 1e-9) {
              c_.error(*v, sub,
                       "the probabilities sum to more than 1 (got " + short_number(sum) + ")");
            } else if (r.given.size() == kClasses.size() && std::abs(sum - 1) > 1e-6) {
              c_.error(*v, sub,
                       "every class is given and the probabilities sum to " + short_number(sum) +
                           " (expected 1)");
            } else if (r.given.empty() && v->is_map()) {
              c_.error(*v, sub, "empty (expected at least one outcome class)");
            }
            const double rest = (1 - sum) / static_cast<double>(kClasses.size() - r.given.size());
            r.p.fill(r.given.size() < kClasses.size() ? std::max(0.0, rest) : 0.0);
            for (const auto& [k, p] : r.given) r.p[class_index(k.value)] = p.value;
          }
          return r;
        });
  }

  Checker& c_;
  std::string origin_;
  std::set<std::string> source_ids_;
};

/// F[k][t]: the forecast's probability of outcome k by round t (t = 0..H).
using Incidence = std::array<std::vector<double>, kOutcomes>;

/// The timing forecast of a class forecast without one: each deal or
/// breakdown class spread evenly over the rounds, no agreement at the horizon.
Incidence spread(const std::array<double, kOutcomes>& p, int horizon) {
  Incidence f;
  const auto h = static_cast<std::size_t>(horizon);
  for (std::size_t k = 0; k < kOutcomes; ++k) {
    f[k].assign(h + 1, 0);
    for (std::size_t t = 1; t <= h; ++t) {
      f[k][t] = k == kNoAgreement ? (t == h ? p[k] : 0) : p[k] * static_cast<double>(t) / horizon;
    }
  }
  return f;
}

double brier(const std::array<double, kOutcomes>& p, std::size_t observed) {
  double s = 0;
  for (std::size_t k = 0; k < kOutcomes; ++k) {
    const double o = k == observed ? 1 : 0;
    s += (p[k] - o) * (p[k] - o);
  }
  return s;
}

/// The ranked probability score of the time to each outcome: over rounds
/// 1..H and the four classes, the squared gap between the forecast's
/// cumulative incidence and the observed one, averaged over rounds.
double rps(const Incidence& f, std::size_t observed, int round, int horizon) {
  double s = 0;
  for (std::size_t k = 0; k < kOutcomes; ++k) {
    for (int t = 1; t <= horizon; ++t) {
      const double o = k == observed && t >= round ? 1 : 0;
      const double d = f[k][static_cast<std::size_t>(t)] - o;
      s += d * d;
    }
  }
  return s / horizon;
}

Json interval_json(const Interval& i) {
  return Json{{"p", i.estimate}, {"lo", i.lo}, {"hi", i.hi}};
}
Json value_json(const ScoreValue& v) {
  return Json{{"value", std::isfinite(v.value) ? Json(v.value) : Json()},
              {"se", std::isfinite(v.se) ? Json(v.se) : Json()}};
}

std::string pct(double p) { return fixed(100 * p, 1) + "%"; }
std::string pm(const ScoreValue& v, bool exact) {
  if (!std::isfinite(v.value)) return "-";
  return exact ? fixed(v.value, 3) : fixed(v.value, 3) + " ± " + fixed(v.se, 3);
}

}  // namespace

ObservedCourse load_observed_text(const std::string& yaml, const std::string& origin) {
  const YNode root = parse_yaml_text(yaml, origin, {}, true);
  if (root.is_null()) {
    throw ScenarioError({Diagnostic{SourceLoc{origin, 1, 1}, "",
                                    "file is empty (expected an observed course: negsim, name, "
                                    "outcome)"}});
  }
  Checker c;
  ObservedCourse course = ObservedReader(c, origin).read(root);
  if (!c.ok()) {
    sort_by_position(c.diagnostics(), origin);
    throw ScenarioError(std::move(c.diagnostics()));
  }
  return course;
}

ObservedCourse load_observed(const std::string& path) {
  return load_observed_text(read_text_file(path), path);
}

void resolve(ObservedCourse& course, const model::Negotiation& negotiation) {
  const Scenario& s = negotiation.scenario();
  const model::Catalog& catalog = negotiation.catalog();
  const int horizon = s.rounds.horizon;
  Checker c;
  std::vector<std::string> agents;
  for (const Agent& a : s.agents) agents.push_back(a.name);
  std::vector<std::string> causes(catalog.causes.begin() + 1, catalog.causes.end());
  std::vector<std::string> events;
  for (const auto& e : catalog.events) events.push_back(e.name);
  const std::string where = " of " + in_quotes(s.name);
  auto check_round = [&](Located<int>& r, const std::string& path) {
    if (r.value > horizon) {
      c.error(r.at, path,
              "after the horizon (got " + std::to_string(r.value) + ", expected 1 to " +
                  std::to_string(horizon) + ", the scenario's rounds.horizon)");
    }
  };
  auto check_agent = [&](const std::optional<Located<std::string>>& a, const std::string& path) {
    if (a && std::find(agents.begin(), agents.end(), a->value) == agents.end()) {
      c.unknown_name(a->at, path, "agent" + where, a->value, agents);
    }
  };
  ObservedOutcome& o = course.outcome;
  if (o.kind.value == "no_agreement") {
    if (o.round.value != 0 && o.round.value != horizon) {
      c.error(o.round.at, "outcome.round",
              "no agreement is at the horizon (got " + std::to_string(o.round.value) +
                  ", expected " + std::to_string(horizon) + " or no round)");
    }
    o.round.value = horizon;
  } else {
    check_round(o.round, "outcome.round");
  }
  if (o.cause) {
    if (o.kind.value != "breakdown") {
      c.error(o.cause->at, "outcome.cause",
              "only a breakdown has a cause (the outcome class is " + o.kind.value + ")");
    } else if (std::find(causes.begin(), causes.end(), o.cause->value) == causes.end()) {
      c.unknown_name(o.cause->at, "outcome.cause", "cause in the model" + where, o.cause->value,
                     causes);
    }
  }
  check_agent(o.agent, "outcome.agent");
  for (std::size_t i = 0; i < course.events.size(); ++i) {
    ObservedEvent& e = course.events[i];
    const std::string path = "events." + std::to_string(i);
    if (std::find(events.begin(), events.end(), e.event.value) == events.end()) {
      c.unknown_name(e.event.at, path + ".event", "event in the model" + where, e.event.value,
                     events);
    }
    check_agent(e.agent, path + ".agent");
    check_round(e.round, path + ".round");
  }
  if (!c.ok()) {
    sort_by_position(c.diagnostics(), course.file);
    throw ScenarioError(std::move(c.diagnostics()));
  }
}

Score score(const ObservedCourse& course, const model::Negotiation& negotiation, const Tally& t) {
  const Scenario& s = negotiation.scenario();
  const model::Catalog& catalog = negotiation.catalog();
  const int horizon = s.rounds.horizon;
  const auto h = static_cast<std::size_t>(horizon);
  const double n = static_cast<double>(t.runs);
  Score out;
  out.observed_file = course.file;
  out.name = course.name;
  out.outcome = course.outcome.kind.value;
  out.round = course.outcome.round.value;
  out.runs = t.runs;
  const std::size_t c = class_index(out.outcome);
  const auto r = static_cast<std::size_t>(out.round);

  // negsim's forecast: class probabilities and cumulative incidence.
  std::array<double, kOutcomes> p{};
  Incidence f;
  for (std::size_t k = 0; k < kOutcomes; ++k) {
    p[k] = t.runs ? static_cast<double>(t.outcomes[k]) / n : 0;
    f[k].assign(h + 1, 0);
    std::uint64_t sum = 0;
    for (std::size_t u = 1; u <= h && u < t.by_round.size(); ++u) {
      sum += t.by_round[u][k];
      f[k][u] = t.runs ? static_cast<double>(sum) / n : 0;
    }
  }
  out.p_outcome = wilson(t.outcomes[c], t.runs);
  std::uint64_t by = 0;
  for (std::size_t u = 1; u <= r && u < t.by_round.size(); ++u) by += t.by_round[u][c];
  out.p_outcome_by_round = wilson(by, t.runs);
  if (course.outcome.cause) {
    out.cause = course.outcome.cause->value;
    const model::Cause cause = catalog.cause(out.cause);
    out.p_cause = wilson(t.causes[cause], t.runs);
    if (course.outcome.agent) {
      const auto a = static_cast<std::size_t>(*s.agent_index(course.outcome.agent->value));
      out.p_cause_agent = wilson(t.cause_agent[cause][a], t.runs);
    }
  }
  if (course.outcome.agent) out.agent = course.outcome.agent->value;

  ForecastScores& m = out.negsim;
  m.name = "negsim";
  m.p = p;
  m.p_observed = p[c];
  m.brier.value = brier(p, c);
  {
    // Delta method: the score is a smooth function of the class shares;
    // its linearisation is a per-run value whose variance over runs / N is
    // the score's variance.
    double mean = 0, sq = 0;
    for (std::size_t k = 0; k < kOutcomes; ++k) {
      const double g = 2 * (p[k] - (k == c ? 1 : 0));
      mean += p[k] * g;
      sq += p[k] * g * g;
    }
    m.brier.se = t.runs ? std::sqrt(std::max(0.0, sq - mean * mean) / n) : NAN;
  }
  {
    double pc = p[c];
    if (t.runs && pc < 0.5 / n) {
      pc = 0.5 / n;  // seen in no run: half a run, so that the score is finite
      m.clipped = true;
    }
    m.log.value = t.runs ? -std::log(pc) : NAN;
    m.log.se = t.runs ? std::sqrt((1 - pc) / (pc * n)) : NAN;
  }
  m.rps.value = rps(f, c, out.round, horizon);
  {
    // A run ending in class k in round u moves F_k(t) for every t >= u.
    double mean = 0, sq = 0;
    for (std::size_t k = 0; k < kOutcomes; ++k) {
      double tail = 0;  // sum over t >= u of 2 (F_k(t) - O_k(t)) / H
      for (std::size_t u = h; u >= 1; --u) {
        const double o = k == c && u >= r ? 1 : 0;
        tail += 2 * (f[k][u] - o) / horizon;
        if (u < t.by_round.size() && t.runs) {
          const double w = static_cast<double>(t.by_round[u][k]) / n;
          mean += w * tail;
          sq += w * tail * tail;
        }
      }
    }
    m.rps.se = t.runs ? std::sqrt(std::max(0.0, sq - mean * mean) / n) : NAN;
  }

  // Reference forecasts: uniform first, then the file's.
  ReferenceForecast uniform;
  uniform.name = "uniform";
  uniform.p.fill(1.0 / static_cast<double>(kOutcomes));
  std::vector<ReferenceForecast> refs{uniform};
  refs.insert(refs.end(), course.references.begin(), course.references.end());
  for (const ReferenceForecast& ref : refs) {
    ForecastScores fs;
    fs.name = ref.name;
    fs.date = ref.date;
    fs.p = ref.p;
    fs.p_observed = ref.p[c];
    fs.brier.value = brier(ref.p, c);
    fs.log.value = ref.p[c] > 0 ? -std::log(ref.p[c]) : INFINITY;
    fs.rps.value = rps(spread(ref.p, horizon), c, out.round, horizon);
    auto skill = [&](const ScoreValue& mine, const ScoreValue& theirs) {
      if (!(theirs.value > 0) || !std::isfinite(theirs.value)) return ScoreValue{NAN, NAN};
      return ScoreValue{1 - mine.value / theirs.value, mine.se / theirs.value};
    };
    out.skill.push_back(
        SkillScore{fs.name, skill(m.brier, fs.brier), skill(m.log, fs.log), skill(m.rps, fs.rps)});
    out.references.push_back(std::move(fs));
  }

  for (const ObservedEvent& e : course.events) {
    EventScore es;
    es.event = e.event.value;
    es.agent = e.agent ? e.agent->value : "";
    es.round = e.round.value;
    const int kind = catalog.event(es.event);
    const int agent = e.agent ? static_cast<int>(*s.agent_index(es.agent)) : -1;
    std::uint64_t by_round = 0, ever = 0;
    if (auto it = t.first_event.find({kind, agent}); it != t.first_event.end()) {
      for (std::size_t u = 1; u < it->second.size(); ++u) {
        ever += it->second[u];
        if (static_cast<int>(u) <= es.round) by_round += it->second[u];
      }
    }
    es.by_round = wilson(by_round, t.runs);
    es.ever = wilson(ever, t.runs);
    out.events.push_back(std::move(es));
  }
  return out;
}

std::string score_json(const Score& s) {
  Json j;
  j["observed_file"] = s.observed_file;
  j["name"] = s.name;
  Json obs{{"outcome", s.outcome}, {"round", s.round}};
  if (!s.cause.empty()) obs["cause"] = s.cause;
  if (!s.agent.empty()) obs["agent"] = s.agent;
  j["observed"] = obs;
  j["runs"] = s.runs;
  j["p_outcome"] = interval_json(s.p_outcome);
  j["p_outcome_by_round"] = interval_json(s.p_outcome_by_round);
  if (s.p_cause) j["p_cause"] = interval_json(*s.p_cause);
  if (s.p_cause_agent) j["p_cause_agent"] = interval_json(*s.p_cause_agent);
  auto forecast = [](const ForecastScores& f) {
    Json p;
    for (std::size_t k = 0; k < kOutcomes; ++k) p[kClasses[k]] = f.p[k];
    Json out{{"name", f.name}};
    if (!f.date.empty()) out["date"] = f.date;
    out["p"] = p;
    out["p_observed"] = f.p_observed;
    out["brier"] = value_json(f.brier);
    out["log"] = value_json(f.log);
    out["rps"] = value_json(f.rps);
    if (f.clipped) out["clipped"] = true;
    return out;
  };
  Json forecasts = Json::array({forecast(s.negsim)});
  for (const auto& f : s.references) forecasts.push_back(forecast(f));
  j["forecasts"] = forecasts;
  Json skill = Json::array();
  for (const auto& k : s.skill) {
    skill.push_back(Json{{"reference", k.reference},
                         {"brier", value_json(k.brier)},
                         {"log", value_json(k.log)},
                         {"rps", value_json(k.rps)}});
  }
  j["skill"] = skill;
  Json events = Json::array();
  for (const auto& e : s.events) {
    Json x{{"event", e.event}};
    if (!e.agent.empty()) x["agent"] = e.agent;
    x["round"] = e.round;
    x["p_by_round"] = interval_json(e.by_round);
    x["p_by_horizon"] = interval_json(e.ever);
    events.push_back(x);
  }
  j["events"] = events;
  return j.dump(2);
}

std::string score_markdown(const Score& s) {
  auto cell = [](const Interval& i) {
    return pct(i.estimate) + " | " + pct(i.lo) + " - " + pct(i.hi);
  };
  std::string out = "## Against what happened\n\n";
  out += "Observed (" + s.observed_file + "): **" + s.outcome + "**";
  if (!s.cause.empty()) out += " (" + s.cause + (s.agent.empty() ? "" : ", " + s.agent) + ")";
  out += " in round " + std::to_string(s.round) + ". " + std::to_string(s.runs) +
         " runs; 95% Wilson intervals, scores ± their Monte Carlo standard error.\n\n";
  out += "| negsim's probability of | estimate | 95% interval |\n|---|---:|---:|\n";
  out += "| the observed outcome (" + s.outcome + ") | " + cell(s.p_outcome) + " |\n";
  out += "| the observed outcome by round " + std::to_string(s.round) + " | " +
         cell(s.p_outcome_by_round) + " |\n";
  if (s.p_cause) out += "| a breakdown by " + s.cause + " | " + cell(*s.p_cause) + " |\n";
  if (s.p_cause_agent) {
    out += "| a breakdown by " + s.cause + ", ended by " + s.agent + " | " +
           cell(*s.p_cause_agent) + " |\n";
  }
  out +=
      "\nScores (lower is better): the Brier score over the four classes, the log score "
      "(-ln of the probability given the observed class) and the ranked probability score "
      "of the time to each outcome.\n\n";
  out +=
      "| forecast | P(observed class) | Brier | log | RPS (timing) |\n|---|---:|---:|---:|---:|\n";
  auto row = [&](const ForecastScores& f, bool exact) {
    const std::string name = f.name + (f.date.empty() ? "" : " (" + f.date + ")");
    return "| " + name + " | " + pct(f.p_observed) + " | " + pm(f.brier, exact) + " | " +
           pm(f.log, exact) + (f.clipped ? " (clipped)" : "") + " | " + pm(f.rps, exact) + " |\n";
  };
  out += row(s.negsim, false);
  for (const auto& f : s.references) out += row(f, true);
  out +=
      "\nSkill of negsim's forecast (1 - negsim's score / the reference's; above 0: negsim "
      "did better):\n\n| against | Brier | log | RPS (timing) |\n|---|---:|---:|---:|\n";
  for (const auto& k : s.skill) {
    out += "| " + k.reference + " | " + pm(k.brier, false) + " | " + pm(k.log, false) + " | " +
           pm(k.rps, false) + " |\n";
  }
  if (!s.events.empty()) {
    out +=
        "\n| observed event | round | negsim's P(by that round) | P(by the horizon) "
        "|\n|---|---:|---:|---:|\n";
    for (const auto& e : s.events) {
      out += "| " + e.event + (e.agent.empty() ? "" : " (" + e.agent + ")") + " | " +
             std::to_string(e.round) + " | " + pct(e.by_round.estimate) + " [" +
             pct(e.by_round.lo) + ", " + pct(e.by_round.hi) + "] | " + pct(e.ever.estimate) +
             " |\n";
    }
  }
  return out;
}

}  // namespace negsim
