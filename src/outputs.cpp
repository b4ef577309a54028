#include "negsim/outputs.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <boost/uuid/detail/sha1.hpp>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <system_error>

#include "negsim/classic.hpp"
#include "negsim/detail/text.hpp"
#include "negsim/mechanisms/implementation.hpp"
#include "negsim/version.hpp"

namespace negsim {
namespace {

using Json = nlohmann::ordered_json;
using detail::fixed;
using model::kAllOutcomes;
/// Real units, four significant digits.
std::string term(double x) { return detail::short_number(x); }
constexpr std::array<double, 5> kQuantiles{0.05, 0.25, 0.5, 0.75, 0.95};
constexpr std::array<const char*, 5> kQuantileNames{"q05", "q25", "q50", "q75", "q95"};

Json number_or_null(double x) { return std::isfinite(x) ? Json(x) : Json(); }

Json distribution_json(const Histogram& h, const ExactSum& sum) {
  Json j;
  j["n"] = h.count();
  j["mean"] = h.count() ? Json(sum.value() / static_cast<double>(h.count())) : Json();
  for (std::size_t q = 0; q < kQuantiles.size(); ++q) {
    j[kQuantileNames[q]] = number_or_null(h.quantile(kQuantiles[q]));
  }
  return j;
}

/// Quantiles of the round at which outcome o happened, from the per-round counts.
Json rounds_json(const Tally& t, std::size_t o) {
  const std::uint64_t n = t.outcomes[o];
  Json j;
  j["n"] = n;
  j["mean"] = n ? Json(t.round_sums[o].value() / static_cast<double>(n)) : Json();
  for (std::size_t q = 0; q < kQuantiles.size(); ++q) {
    if (n == 0) {
      j[kQuantileNames[q]] = Json();
      continue;
    }
    // The smallest round by which a share q of these runs had ended.
    const double target = kQuantiles[q] * static_cast<double>(n);
    std::uint64_t seen = 0;
    for (std::size_t round = 0; round < t.by_round.size(); ++round) {
      seen += t.by_round[round][o];
      if (static_cast<double>(seen) >= target && seen > 0) {
        j[kQuantileNames[q]] = round;
        break;
      }
    }
  }
  return j;
}

std::string percent(double p) { return fixed(100 * p, 1) + "%"; }

std::string interval_text(const Interval& i) {
  return percent(i.estimate) + " [" + percent(i.lo) + ", " + percent(i.hi) + "]";
}

std::string plain(double x) { return std::isfinite(x) ? term(x) : "-"; }

}  // namespace

std::string sha1_hex(const std::string& bytes) {
  boost::uuids::detail::sha1 sha;
  sha.process_bytes(bytes.data(), bytes.size());
  unsigned int digest[5];
  sha.get_digest(digest);
  char buf[41];
  for (int i = 0; i < 5; ++i) std::snprintf(buf + 8 * i, 9, "%08x", digest[i]);
  return std::string(buf, 40);
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

namespace {
Json results(const model::Negotiation& neg, const Tally& t);
}  // namespace

namespace {

/// The rounds from an interim deal to the full deal that followed it:
/// count, mean and quantiles (exact: whole rounds).
Json between_json(const Tally& t) {
  std::uint64_t n = 0, sum = 0;
  for (std::size_t d = 0; d < t.between.size(); ++d) {
    n += t.between[d];
    sum += d * t.between[d];
  }
  Json j{{"count", n},
         {"mean", n ? Json(static_cast<double>(sum) / static_cast<double>(n)) : Json()}};
  for (const auto& [name, q] : {std::pair{"q05", 0.05}, {"q50", 0.5}, {"q95", 0.95}}) {
    Json v;
    std::uint64_t seen = 0;
    for (std::size_t d = 0; d < t.between.size() && n; ++d) {
      seen += t.between[d];
      if (static_cast<double>(seen) >= q * static_cast<double>(n) && seen > 0) {
        v = d;
        break;
      }
    }
    j[name] = v;
  }
  return j;
}

Json deal_paths_json(const Scenario& s, const Tally& t) {
  const auto full = t.outcomes[static_cast<std::size_t>(model::Outcome::full_deal)];
  const auto held = t.outcomes[static_cast<std::size_t>(model::Outcome::interim_deal)];
  auto share = [&](std::uint64_t count) {
    const Interval ci = wilson(count, t.runs);
    return Json{{"count", count}, {"p", ci.estimate}, {"lo", ci.lo}, {"hi", ci.hi}};
  };
  const bool stones = model::Implementation::stepping_stones(s);
  Json j;
  j["interim"] = s.deals.interim.empty() ? "none" : stones ? "stepping_stone" : "final";
  j["full_direct"] = share(full - t.full_via_interim);
  j["full_via_interim"] = share(t.full_via_interim);
  j["full_via_interim"]["rounds_between"] = between_json(t);
  j["interim_held"] = share(held);
  j["interim_broken"] = share(t.interim_broken);
  return j;
}

/// What the classic models forecast for each issue (docs/CLASSIC.md
/// §In negsim's report): each model at the scenario's means and over
/// kClassicDraws draws of its distributions, from the run's seed.
constexpr std::uint64_t kClassicDraws = 1000;
constexpr int kClassicRounds = 10;

Json compute_classic_json(const Scenario& s, std::uint64_t seed, int threads) {
  const std::vector<std::string> models(std::begin(classic::kModelNames),
                                        std::end(classic::kModelNames));
  const auto f = classic::monte_carlo(s, models, seed, kClassicDraws, kClassicRounds, threads);
  auto num = [](double x) { return std::isnan(x) ? Json() : Json(x); };
  Json issues;
  for (std::size_t k = 0; k < s.issues.size(); ++k) {
    Json issue{{"unit", s.issues[k].unit}, {"status_quo", s.issues[k].status_quo}};
    for (std::size_t m = 0; m < models.size(); ++m) {
      const classic::ForecastSummary& v = f[m][k];
      issue[models[m]] =
          Json{{"at_means", num(v.at_means)}, {"mean", num(v.mean)}, {"q05", num(v.q05)},
               {"q50", num(v.q50)},           {"q95", num(v.q95)},   {"runs", v.runs}};
    }
    issues[s.issues[k].name] = issue;
  }
  return Json{{"draws", kClassicDraws},
              {"seed", seed},
              {"bdm_rounds", kClassicRounds},
              {"models", models},
              {"issues", issues}};
}

/// summary.json and report.md each show the section: the last one computed
/// is kept (an exact key: the whole scenario and the seed), so writing both
/// computes it once.
Json classic_json(const Scenario& s, std::uint64_t seed, int threads) {
  static std::mutex mutex;
  static std::optional<std::pair<Scenario, std::uint64_t>> key;
  static Json value;
  {
    const std::lock_guard lock(mutex);
    if (key && key->second == seed && key->first == s) return value;
  }
  Json computed = compute_classic_json(s, seed, threads);
  const std::lock_guard lock(mutex);
  key.emplace(s, seed);
  value = computed;
  return computed;
}

}  // namespace

std::string summary_json(const model::Negotiation& neg, const Tally& t, const Provenance& p,
                         const Score* score) {
  const Scenario& s = neg.scenario();
  Json j;
  j["negsim"] = kVersion;
  Json prov;
  prov["scenario"] = s.name;
  prov["scenario_file"] = p.scenario_file;
  prov["scenario_sha1"] = p.scenario_sha1;
  prov["resolved_sha1"] = p.resolved_sha1;
  prov["overrides"] = p.overrides;
  prov["seed"] = p.seed;
  prov["runs"] = t.runs;
  prov["threads"] = p.threads;
  prov["wall_seconds"] = p.wall_seconds;
  prov["peak_rss_mib"] = p.peak_rss_mib;
  prov["date"] = p.date;
  Json stop{{"rule", p.stopping}};
  if (p.precision) {
    stop["precision"] = *p.precision;
    stop["max_runs"] = p.max_runs;
    stop["precision_reached"] = p.precision_reached;
  }
  stop["cancelled"] = p.cancelled;
  prov["stopping"] = stop;
  j["provenance"] = prov;
  j.update(results(neg, t));
  // Not among results(): a sweep's points do without it.
  j["classic_models"] = classic_json(s, p.seed, p.threads);
  if (score) j["score"] = Json::parse(score_json(*score));
  return j.dump(2) + "\n";
}

namespace {
/// Every aggregate of summary.json but the provenance.
/// Who blocked the deal in the runs without one (docs/MODEL.md §7.1).
Json holdouts_json(const model::Negotiation& neg, const Tally& t) {
  const Scenario& s = neg.scenario();
  const std::uint64_t without = t.outcomes[static_cast<std::size_t>(model::Outcome::breakdown)] +
                                t.outcomes[static_cast<std::size_t>(model::Outcome::no_agreement)];
  Json j;
  j["runs_without_deal"] = without;
  j["judged_on"] = Json{{"full", without - t.judged_interim}, {"interim", t.judged_interim}};
  j["none"] = t.no_holdout;
  Json agents = Json::object();
  for (std::size_t i : neg.principals()) {
    if (i >= t.holdout.size()) continue;
    const Interval ci = wilson(t.holdout[i], without);
    Json lines = Json::object();
    for (std::size_t k = 0; k < s.issues.size(); ++k) {
      if (t.holdout_issue[i][k]) lines[s.issues[k].name] = t.holdout_issue[i][k];
    }
    agents[s.agents[i].name] =
        Json{{"runs", t.holdout[i]},
             {"p", ci.estimate},
             {"lo", ci.lo},
             {"hi", ci.hi},
             {"alone", t.holdout[i] ? Json(t.sole_holdout[i]) : Json(0)},
             {"mean_gap",
              t.holdout[i] ? Json(t.holdout_gap_sums[i].value() / static_cast<double>(t.holdout[i]))
                           : Json()},
             {"red_lines", lines}};
  }
  j["agents"] = agents;
  return j;
}

Json results(const model::Negotiation& neg, const Tally& t) {
  const Scenario& s = neg.scenario();
  const model::Catalog& catalog = neg.catalog();
  Json j;

  Json outcomes;
  for (model::Outcome o : kAllOutcomes) {
    const auto i = static_cast<std::size_t>(o);
    const Interval ci = wilson(t.outcomes[i], t.runs);
    outcomes[model::to_string(o)] =
        Json{{"count", t.outcomes[i]}, {"p", ci.estimate}, {"lo", ci.lo}, {"hi", ci.hi}};
  }
  j["outcomes"] = outcomes;
  j["interval"] = "Wilson score, 95%";
  j["deal_paths"] = deal_paths_json(s, t);

  Json causes;
  const std::uint64_t breakdowns = t.outcomes[static_cast<std::size_t>(model::Outcome::breakdown)];
  for (std::size_t i = 1; i < catalog.causes.size(); ++i) {
    const Interval ci = wilson(t.causes[i], t.runs);
    causes[catalog.causes[i]] =
        Json{{"count", t.causes[i]},
             {"p", ci.estimate},
             {"lo", ci.lo},
             {"hi", ci.hi},
             {"share_of_breakdowns",
              breakdowns ? Json(static_cast<double>(t.causes[i]) / static_cast<double>(breakdowns))
                         : Json()}};
  }
  j["breakdown_causes"] = causes;

  Json time;
  for (model::Outcome o : kAllOutcomes)
    time[model::to_string(o)] = rounds_json(t, static_cast<std::size_t>(o));
  j["time_to_outcome"] = time;

  // Every run not ended by the horizon is censored there, all at the same
  // round, so the Aalen-Johansen estimate reduces to the running share.
  Json incidence;
  incidence["unit"] = s.rounds.unit;
  Json rounds = Json::array();
  std::array<Json, 3> series{Json::array(), Json::array(), Json::array()};
  std::array<std::uint64_t, 3> cumulative{};
  for (std::size_t round = 1; round < t.by_round.size(); ++round) {
    rounds.push_back(round);
    for (std::size_t o = 0; o < 3; ++o) {
      cumulative[o] += t.by_round[round][o];
      series[o].push_back(t.runs ? static_cast<double>(cumulative[o]) / static_cast<double>(t.runs)
                                 : 0.0);
    }
  }
  incidence["round"] = rounds;
  for (std::size_t o = 0; o < 3; ++o) incidence[model::to_string(kAllOutcomes[o])] = series[o];
  j["cumulative_incidence"] = incidence;

  Json terms;
  for (std::size_t kind = 0; kind < kDealKinds; ++kind) {
    Json per_issue;
    for (std::size_t k = 0; k < s.issues.size(); ++k) {
      Json d = distribution_json(t.terms[kind][k], t.term_sums[kind][k]);
      d["unit"] = s.issues[k].unit;
      per_issue[s.issues[k].name] = d;
    }
    terms[model::to_string(kAllOutcomes[kind])] = per_issue;
  }
  terms["phased_deals"] = t.phased;
  j["terms"] = terms;

  Json utility;
  for (std::size_t a = 0; a < s.agents.size(); ++a) {
    if (s.agents[a].role == Role::mediator) continue;
    utility[s.agents[a].name] = distribution_json(t.utility[a], t.utility_sums[a]);
  }
  j["utility"] = utility;

  Json events;
  for (std::size_t e = 0; e < catalog.events.size(); ++e) {
    const Interval ci = wilson(t.runs_with_event[e], t.runs);
    events[catalog.events[e].name] = Json{{"runs_with", t.runs_with_event[e]},
                                          {"p", ci.estimate},
                                          {"lo", ci.lo},
                                          {"hi", ci.hi},
                                          {"total", t.events[e]}};
  }
  j["events"] = events;
  j["holdouts"] = holdouts_json(neg, t);
  return j;
}
}  // namespace

std::string headline_table(const Tally& t) {
  std::string out = "| outcome | probability | 95% interval | runs |\n|---|---:|---:|---:|\n";
  for (model::Outcome o : kAllOutcomes) {
    const auto i = static_cast<std::size_t>(o);
    const Interval ci = wilson(t.outcomes[i], t.runs);
    out += "| " + std::string(model::to_string(o)) + " | " + percent(ci.estimate) + " | " +
           percent(ci.lo) + " - " + percent(ci.hi) + " | " + std::to_string(t.outcomes[i]) + " |\n";
  }
  return out;
}

std::string report_markdown(const model::Negotiation& neg, const Tally& t, const Provenance& p,
                            const Score* score) {
  const Scenario& s = neg.scenario();
  const model::Catalog& catalog = neg.catalog();
  std::string out = "# " + s.name + "\n\n";
  out += std::to_string(t.runs) + " simulated negotiations, seed " + std::to_string(p.seed) +
         ". Intervals are 95% Wilson score intervals.\n\n";
  out += "## Outcomes\n\n" + headline_table(t) + "\n";
  if (model::Implementation::stepping_stones(s)) {
    const Json paths = deal_paths_json(s, t);
    auto row = [&](const char* what, const char* key) {
      const Json& v = paths[key];
      return std::string("| ") + what + " | " + percent(v["p"].get<double>()) + " | " +
             percent(v["lo"].get<double>()) + " - " + percent(v["hi"].get<double>()) + " | " +
             std::to_string(v["count"].get<std::uint64_t>()) + " |\n";
    };
    out +=
        "## Interim deals as stepping stones\n\n"
        "| path | probability | 95% interval | runs |\n|---|---:|---:|---:|\n" +
        row("full deal, directly", "full_direct") +
        row("full deal, through an interim deal", "full_via_interim") +
        row("interim deal, holding at the horizon", "interim_held") +
        row("interim deal, broken", "interim_broken");
    const Json& between = paths["full_via_interim"]["rounds_between"];
    if (!between["mean"].is_null()) {
      out += "\nA full deal came a median " + std::to_string(between["q50"].get<std::uint64_t>()) +
             " " + s.rounds.unit + "s (mean " + fixed(between["mean"].get<double>(), 1) +
             ") after the interim deal it followed.\n";
    }
    out += "\n";
  }
  if (score) out += score_markdown(*score) + "\n";

  out +=
      "## Why talks broke down\n\n| cause | share of all runs | share of breakdowns "
      "|\n|---|---:|---:|\n";
  const std::uint64_t breakdowns = t.outcomes[static_cast<std::size_t>(model::Outcome::breakdown)];
  for (std::size_t i = 1; i < catalog.causes.size(); ++i) {
    out += "| " + catalog.causes[i] + " | " + interval_text(wilson(t.causes[i], t.runs)) + " | " +
           (breakdowns ? percent(static_cast<double>(t.causes[i]) / static_cast<double>(breakdowns))
                       : std::string("-")) +
           " |\n";
  }

  out += "\n## When (" + s.rounds.unit +
         "s)\n\n| outcome | runs | mean | 5% | 25% | median | 75% | 95% |\n"
         "|---|---:|---:|---:|---:|---:|---:|---:|\n";
  for (model::Outcome o : kAllOutcomes) {
    const Json r = rounds_json(t, static_cast<std::size_t>(o));
    out += "| " + std::string(model::to_string(o)) + " | " +
           std::to_string(r["n"].get<std::uint64_t>()) + " | " +
           (r["mean"].is_null() ? "-" : fixed(r["mean"].get<double>(), 1));
    for (const char* q : kQuantileNames) {
      out +=
          " | " + (r[q].is_null() ? std::string("-") : std::to_string(r[q].get<std::uint64_t>()));
    }
    out += " |\n";
  }
  out += "\nNo-agreement runs reach the horizon (" + std::to_string(s.rounds.horizon) + " " +
         s.rounds.unit + "s) and are censored there.\n";

  for (std::size_t kind = 0; kind < kDealKinds; ++kind) {
    const std::string name = kind == 0 ? "full deals" : "interim deals";
    out += "\n## Terms of " + name + "\n\n";
    if (t.outcomes[kind] == 0) {
      out += "No run ended in one.\n";
      continue;
    }
    out +=
        "| issue | unit | mean | 5% | 25% | median | 75% | 95% "
        "|\n|---|---|---:|---:|---:|---:|---:|---:|\n";
    for (std::size_t k = 0; k < s.issues.size(); ++k) {
      const Histogram& h = t.terms[kind][k];
      out += "| " + s.issues[k].name + " | " + s.issues[k].unit + " | " +
             plain(t.term_sums[kind][k].value() / static_cast<double>(h.count()));
      for (double q : kQuantiles) out += " | " + plain(h.quantile(q));
      out += " |\n";
    }
  }
  if (t.phased) {
    out += "\n" + std::to_string(t.phased) +
           " deals were reached with relief phased under a legislature's cap.\n";
  }

  {
    // The classic models beside negsim's deals (docs/CLASSIC.md).
    const Json c = classic_json(s, p.seed, p.threads);
    out +=
        "\n## What the classic models forecast\n\n"
        "Each model on the scenario's agents and issues, at the means of their distributions "
        "and, in brackets, the 90% interval over " +
        std::to_string(kClassicDraws) +
        " draws of them (docs/CLASSIC.md); beside it the median terms of negsim's deals. "
        "- : the model cannot run there.\n\n"
        "| issue | unit | status quo | compromise | bdm | smp | full deal | interim deal "
        "|\n|---|---|---:|---:|---:|---:|---:|---:|\n";
    auto value = [](const Json& v) {
      auto at = [&](const char* key) {
        return v[key].is_null() ? std::string("-") : term(v[key].get<double>());
      };
      if (v["q05"].is_null()) return at("at_means");
      return at("at_means") + " (" + at("q05") + " - " + at("q95") + ")";
    };
    for (std::size_t k = 0; k < s.issues.size(); ++k) {
      const Json& issue = c["issues"][s.issues[k].name];
      out +=
          "| " + s.issues[k].name + " | " + s.issues[k].unit + " | " + term(s.issues[k].status_quo);
      for (const char* m : classic::kModelNames) out += " | " + value(issue[m]);
      for (std::size_t kind = 0; kind < kDealKinds; ++kind) {
        out += " | " + (t.outcomes[kind] ? plain(t.terms[kind][k].quantile(0.5)) : "-");
      }
      out += " |\n";
    }
  }

  out +=
      "\n## Utility of the outcome\n\n| agent | mean | 5% | median | 95% "
      "|\n|---|---:|---:|---:|---:|\n";
  for (std::size_t a = 0; a < s.agents.size(); ++a) {
    if (s.agents[a].role == Role::mediator) continue;
    const Histogram& h = t.utility[a];
    out += "| " + s.agents[a].name + " | " +
           fixed(t.utility_sums[a].value() / static_cast<double>(h.count()), 3) + " | " +
           fixed(h.quantile(0.05), 3) + " | " + fixed(h.quantile(0.5), 3) + " | " +
           fixed(h.quantile(0.95), 3) + " |\n";
  }

  {
    const Json h = holdouts_json(neg, t);
    const std::uint64_t without = h["runs_without_deal"].get<std::uint64_t>();
    out += "\n## Who blocked the deal\n\n";
    if (without == 0) {
      out += "Every run ended in a deal.\n";
    } else {
      out +=
          "In the " + std::to_string(without) +
          " runs without a deal, the principals that did not accept the text closest to "
          "acceptance in the last round (" +
          std::to_string(h["judged_on"]["full"].get<std::uint64_t>()) +
          " judged on the full text, " +
          std::to_string(h["judged_on"]["interim"].get<std::uint64_t>()) +
          " on the interim text):\n\n| principal | held out | alone | mean shortfall | red lines "
          "crossed |\n|---|---:|---:|---:|---|\n";
      for (const auto& [name, a] : h["agents"].items()) {
        std::string lines;
        for (const auto& [issue, n] : a["red_lines"].items()) {
          lines += (lines.empty() ? "" : ", ") + issue + " (" +
                   std::to_string(n.get<std::uint64_t>()) + ")";
        }
        out +=
            "| " + name + " | " + interval_text(Interval{a["p"], a["lo"], a["hi"]}) + " | " +
            std::to_string(a["alone"].get<std::uint64_t>()) + " | " +
            (a["mean_gap"].is_null() ? std::string("-") : fixed(a["mean_gap"].get<double>(), 3)) +
            " | " + (lines.empty() ? std::string("-") : lines) + " |\n";
      }
      out +=
          "\nShortfall: how far the principal's perceived value of the text fell below its "
          "aspiration (0 when only a red line stood in the way). " +
          std::to_string(h["none"].get<std::uint64_t>()) +
          " runs ended with every principal accepting (a legislature refused, or an event "
          "ended the talks first).\n";
    }
  }

  out += "\n## Events\n\n| event | runs with it | events |\n|---|---:|---:|\n";
  for (std::size_t e = 0; e < catalog.events.size(); ++e) {
    out += "| " + catalog.events[e].name + " | " +
           interval_text(wilson(t.runs_with_event[e], t.runs)) + " | " +
           std::to_string(t.events[e]) + " |\n";
  }

  out += "\n## Provenance\n\n";
  out += "- negsim " + std::string(kVersion) + "\n";
  out += "- scenario: `" + p.scenario_file + "` (sha1 " + p.scenario_sha1 + "; resolved " +
         p.resolved_sha1 + ")\n";
  for (const auto& o : p.overrides) out += "- override: `--set " + o + "`\n";
  out += "- seed " + std::to_string(p.seed) + ", " + std::to_string(t.runs) + " runs, " +
         std::to_string(p.threads) + " threads, " + fixed(p.wall_seconds, 2) + " s, " + p.date +
         "\n";
  if (p.precision) {
    out += "- stopping: until every outcome's half-width <= " + term(*p.precision) + " (at most " +
           std::to_string(p.max_runs) +
           " runs): " + (p.precision_reached ? "reached" : "not reached") + "\n";
  }
  if (p.cancelled) out += "- interrupted: these are the runs completed before the stop\n";
  return out;
}

std::string runs_csv_header(const model::Negotiation& neg) {
  // The outcome, then every drawn parameter by its full name (issue values
  // in their units), then the deal's terms: the same names as the traces.
  std::string h = "run,outcome,cause,agent,round,phased,interim_round,holdouts";
  for (std::size_t p = 0; p < neg.catalog().params.size(); ++p) h += "," + neg.param_name(p);
  for (const Issue& issue : neg.scenario().issues) h += ",terms." + issue.name;
  return h + "\n";
}

void append_runs_csv(std::string& out, const model::Negotiation& neg,
                     const std::vector<RunRecord>& records) {
  const Scenario& s = neg.scenario();
  auto num = [&out](double x) {
    out += ',';
    out += detail::format_number(x);
  };
  for (const RunRecord& r : records) {
    const model::RunResult& res = r.result;
    out += std::to_string(r.run) + "," + model::to_string(res.outcome) + "," +
           (res.outcome == model::Outcome::breakdown ? neg.cause_name(res.cause) : "") + "," +
           (res.agent >= 0 ? s.agents[static_cast<std::size_t>(res.agent)].name : "") + "," +
           std::to_string(res.round) + "," + (res.phased ? "1" : "0") + "," +
           std::to_string(res.interim_round) + ",";
    // Who blocked the deal, by name joined with '+' (empty for a deal).
    bool first = true;
    for (std::size_t i = 0; i < s.agents.size(); ++i) {
      if (!(res.holdouts >> i & 1u)) continue;
      if (!first) out += '+';
      out += s.agents[i].name;
      first = false;
    }
    for (std::size_t p = 0; p < r.draw.values.size(); ++p) num(neg.shown(p, r.draw.values[p]));
    const bool deal =
        res.outcome == model::Outcome::full_deal || res.outcome == model::Outcome::interim_deal;
    for (std::size_t k = 0; k < s.issues.size(); ++k) {
      if (deal) {
        num(res.terms[k]);
      } else {
        out += ",";
      }
    }
    out += "\n";
  }
}

PointRecord point_record(const model::Negotiation& neg, std::size_t point,
                         const std::vector<double>& values, const Tally& tally) {
  PointRecord r;
  r.point = point;
  r.values = values;
  r.runs = tally.runs;
  r.outcomes = tally.outcomes;
  const auto& causes = neg.catalog().causes;
  for (std::size_t c = 1; c < causes.size(); ++c) r.causes.emplace_back(causes[c], tally.causes[c]);
  r.summary = results(neg, tally).dump();
  return r;
}

Manifest sweep_manifest(const Scenario& base, const std::string& scenario_file,
                        const std::string& design_text, const SweepOptions& options,
                        std::size_t points) {
  Manifest m;
  m["negsim"] = kVersion;
  // The layout of the points table: 2 stores the causes by name (1 had a
  // column per cause). A file of another format is refused, not misread.
  m["format"] = "2";
  m["scenario_file"] = scenario_file;
  m["scenario"] = to_yaml(base);
  m["design"] = design_text;
  m["seed"] = std::to_string(options.seed);
  m["runs"] = options.precision ? "precision " + detail::format_number(*options.precision) +
                                      ", at most " + std::to_string(options.max_runs)
                                : std::to_string(options.runs);
  m["points"] = std::to_string(points);
  m["shards"] = std::to_string(options.shards);
  return m;
}

std::string points_csv(const std::vector<std::string>& paths,
                       const std::vector<PointRecord>& records) {
  std::string out = "point";
  for (const auto& p : paths) out.append(",").append(p);
  out += ",runs";
  for (model::Outcome o : kAllOutcomes) {
    const std::string n = model::to_string(o);
    out.append(",").append(n).append(",").append(n).append("_lo,").append(n).append("_hi");
  }
  // The causes of the first point (every point of a sweep has the same).
  if (!records.empty()) {
    for (const auto& [cause, count] : records.front().causes) out += ",breakdown_" + cause;
  }
  out += "\n";
  for (const auto& r : records) {
    out += std::to_string(r.point);
    for (double v : r.values) {
      out += ',';
      if (!std::isnan(v)) out += detail::format_number(v);
    }
    out.append(",").append(std::to_string(r.runs));
    for (std::size_t o = 0; o < kOutcomes; ++o) {
      const Interval ci = wilson(r.outcomes[o], r.runs);
      for (double x : {ci.estimate, ci.lo, ci.hi}) {
        out += ',';
        out += detail::format_number(x);
      }
    }
    for (const auto& [cause, c] : r.causes) {
      out += ',';
      out += detail::format_number(r.runs ? static_cast<double>(c) / static_cast<double>(r.runs)
                                          : 0.0);
    }
    out += "\n";
  }
  return out;
}

SensitivityTables sensitivity(const Design& design, const std::vector<PointRecord>& records) {
  SensitivityTables out;
  const auto kind = design.spec.kind;
  if (kind != DesignKind::sobol && kind != DesignKind::morris && kind != DesignKind::oat)
    return out;
  if (records.size() != design.points.size()) return out;
  const std::size_t k = design.paths.size();
  char line[256];
  if (kind == DesignKind::sobol) {
    out.csv = "outcome,parameter,S1,S1_lo,S1_hi,ST,ST_lo,ST_hi\n";
    out.text = "Sobol indices (first order S1, total ST, 95% bootstrap intervals):\n";
  } else if (kind == DesignKind::morris) {
    out.csv = "outcome,parameter,mu,mu_star,sigma,effects\n";
    out.text = "Morris elementary effects (per whole range of each parameter):\n";
  } else {
    out.csv = "outcome,parameter,low,high,baseline,swing\n";
    out.text = "One-at-a-time swings (outcome probability at the low and the high end):\n";
  }
  for (model::Outcome o : kAllOutcomes) {
    std::vector<double> f;
    for (const auto& r : records) {
      f.push_back(r.runs ? static_cast<double>(r.outcomes[static_cast<std::size_t>(o)]) /
                               static_cast<double>(r.runs)
                         : 0.0);
    }
    const std::string name = model::to_string(o);
    out.text += "  " + name + ":\n";
    if (kind == DesignKind::sobol) {
      const SobolIndices s =
          sobol_indices(f, design.spec.points, static_cast<int>(k), design.spec.seed);
      for (std::size_t i = 0; i < k; ++i) {
        out.csv += name + "," + design.paths[i];
        for (const Estimate& e : {s.first[i], s.total[i]}) {
          for (double x : {e.value, e.lo, e.hi}) out.csv += "," + detail::format_number(x);
        }
        out.csv += "\n";
        std::snprintf(line, sizeof line,
                      "    %-40s S1 %6.3f [%6.3f, %6.3f]  ST %6.3f [%6.3f, %6.3f]\n",
                      design.paths[i].c_str(), s.first[i].value, s.first[i].lo, s.first[i].hi,
                      s.total[i].value, s.total[i].lo, s.total[i].hi);
        out.text += line;
      }
    } else if (kind == DesignKind::morris) {
      const MorrisIndices m = morris_indices(design, f);
      for (std::size_t i = 0; i < k; ++i) {
        out.csv += name + "," + design.paths[i] + "," + detail::format_number(m.mu[i]) + "," +
                   detail::format_number(m.mu_star[i]) + "," + detail::format_number(m.sigma[i]) +
                   "," + std::to_string(m.effects[i]) + "\n";
        if (m.effects[i] == 0) {
          std::snprintf(line, sizeof line, "    %-40s never moved: no elementary effect\n",
                        design.paths[i].c_str());
        } else {
          std::snprintf(line, sizeof line, "    %-40s mu* %7.4f  sigma %7.4f  mu %+7.4f\n",
                        design.paths[i].c_str(), m.mu_star[i], m.sigma[i], m.mu[i]);
        }
        out.text += line;
      }
    } else {
      const auto swings = oat_swings(design, f);
      for (std::size_t i = 0; i < k; ++i) {
        const Swing& w = swings[i];
        out.csv += name + "," + design.paths[i] + "," + detail::format_number(w.low) + "," +
                   detail::format_number(w.high) + "," + detail::format_number(w.baseline) + "," +
                   detail::format_number(w.high - w.low) + "\n";
        std::snprintf(line, sizeof line, "    %-40s low %6.3f  high %6.3f  swing %+7.3f\n",
                      design.paths[i].c_str(), w.low, w.high, w.high - w.low);
        out.text += line;
      }
    }
  }
  return out;
}

void write_atomically(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) {
      throw std::runtime_error("cannot write " + tmp + ": " + std::strerror(errno));
    }
    f.write(content.data(), static_cast<std::streamsize>(content.size()));
    f.flush();
    if (!f) {
      const std::string why = std::strerror(errno);
      std::filesystem::remove(tmp);
      throw std::runtime_error("cannot write " + path + ": " + why);
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp);
    throw std::runtime_error("cannot write " + path + ": " + ec.message());
  }
}

}  // namespace negsim
