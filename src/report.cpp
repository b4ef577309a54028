#include "negsim/report.hpp"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <ostream>

#include "negsim/detail/text.hpp"
#include "negsim/version.hpp"

namespace negsim {
namespace {

using Json = nlohmann::ordered_json;

std::string fixed(double x, int decimals) {
  char buf[64];
  // A value that rounds to zero prints as 0, never as "-0.000".
  if (std::fabs(x) < 0.5 * std::pow(10.0, -decimals)) x = 0;
  std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
  return buf;
}

/// Enough significant digits for a term in real units ("3.67", "812", "45.1").
std::string term(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4g", x);
  return buf;
}

std::string describe_event(const Scenario& s, const model::Event& e) {
  const std::string who = e.agent >= 0 ? s.agents[static_cast<std::size_t>(e.agent)].name : "";
  switch (e.kind) {
    case model::EventKind::strike:
      return who + " strikes";
    case model::EventKind::snapback:
      return who + " triggers snapback";
    case model::EventKind::unrest:
      return "unrest in " + who;
    case model::EventKind::leadership_change:
      return "leadership change in " + who;
    case model::EventKind::ratification_passed:
      return who + "'s legislature ratifies";
    case model::EventKind::ratification_failed:
      return who + "'s legislature rejects the deal";
    case model::EventKind::phased_relief:
      return "relief to be phased: the caps bind the texts from now on";
    case model::EventKind::walkout:
      return who + " walks out";
  }
  return "?";
}

std::string text_line(const Scenario& s, const std::vector<double>& text,
                      const model::IssueMask* settles) {
  std::string out;
  for (std::size_t k = 0; k < s.issues.size(); ++k) {
    if (settles && !(*settles)[k]) continue;
    if (!out.empty()) out += " | ";
    out += s.issues[k].name + " " + term(text[k]);
  }
  return out;
}

}  // namespace

TracedRun trace_run(const model::Negotiation& negotiation, std::uint64_t seed, std::uint64_t run) {
  TracedRun t;
  t.negotiation = &negotiation;
  t.seed = seed;
  t.run = run;
  negotiation.draw(seed, 0, run, t.draw);
  model::RunStreams streams(seed, 0, run);
  t.result = negotiation.play(t.draw, streams, &t.trace);
  return t;
}

void write_trace_text(std::ostream& out, const TracedRun& t) {
  const Scenario& s = t.negotiation->scenario();
  const std::size_t n = s.issues.size();
  out << "negsim " << kVersion << " trace: " << s.name << "\n"
      << "seed " << t.seed << ", run " << t.run << ", text rule " << to_string(s.protocol.rule)
      << ", horizon " << s.rounds.horizon << " " << s.rounds.unit << "s\n\n";

  out << "Issues (status quo):\n";
  for (std::size_t k = 0; k < n; ++k) {
    const Issue& issue = s.issues[k];
    out << "  " << issue.name << ": " << term(issue.status_quo) << " " << issue.unit << "\n";
  }
  out << "\nThis run's draws:\n";
  for (std::size_t a = 0; a < s.agents.size(); ++a) {
    const Agent& agent = s.agents[a];
    const model::AgentDraw& d = t.draw.agents[a];
    out << "  " << agent.name << " (" << to_string(agent.role) << "):";
    if (agent.role == Role::mediator) {
      out << " skill " << fixed(d.skill, 2);
      if (d.bias_toward >= 0) {
        out << ", leaning " << fixed(d.bias_amount, 2) << " toward "
            << s.agents[static_cast<std::size_t>(d.bias_toward)].name;
      }
      out << "\n";
      continue;
    }
    out << " capability " << fixed(d.capability, 2);
    if (agent.role == Role::principal) {
      out << ", reservation " << fixed(d.reservation, 2) << ", concession "
          << fixed(d.concession, 3) << ", trust " << fixed(d.trust, 2);
    }
    if (d.strikes) {
      out << ", strike hazard base " << fixed(d.strike_base, 3) << " (ends talks with p "
          << fixed(d.strike_breakdown, 2) << ")";
    }
    if (d.snaps) {
      out << ", snapback after round " << d.snapback_deadline << " if progress < "
          << fixed(d.snapback_progress_below, 2);
    }
    if (agent.role == Role::principal) {
      std::string lines;
      for (std::size_t k = 0; k < n; ++k) {
        const bool lo = d.red_lo[k] > 0, hi = d.red_hi[k] < 1;
        if (!lo && !hi) continue;
        lines += " " + s.issues[k].name;
        if (lo) lines += " >= " + term(t.negotiation->to_real(k, d.red_lo[k]));
        if (hi)
          lines +=
              std::string(lo ? " and" : "") + " <= " + term(t.negotiation->to_real(k, d.red_hi[k]));
        lines += ";";
      }
      if (!lines.empty()) out << "\n    red lines:" << lines.substr(0, lines.size() - 1);
    }
    out << "\n    ideal:";
    for (std::size_t k = 0; k < n; ++k) {
      if (d.salience[k] == 0) continue;
      out << " " << s.issues[k].name << " " << term(t.negotiation->to_real(k, d.ideal[k]))
          << " (weight " << fixed(d.salience[k], 2) << ")";
    }
    out << "\n";
  }

  for (const model::RoundTrace& r : t.trace.rounds) {
    out << "\nRound " << r.round << " (" << s.rounds.unit << " " << r.round << ")\n";
    for (const auto& e : r.events) {
      if (e.kind == model::EventKind::unrest || e.kind == model::EventKind::leadership_change) {
        out << "  event: " << describe_event(s, e) << "\n";
      }
    }
    out << "  full text:    " << text_line(s, r.full_text, nullptr) << "\n";
    if (!s.deals.interim.empty()) {
      model::IssueMask settles{};
      for (const Ref& ref : s.deals.interim) settles[ref.index] = true;
      out << "  interim text: " << text_line(s, r.interim_text, &settles)
          << " (the rest at the status quo)\n";
    }
    std::string no_zone;
    for (std::size_t k = 0; k < n; ++k) {
      if (r.no_zone[k]) no_zone += (no_zone.empty() ? "" : ", ") + s.issues[k].name;
    }
    if (!no_zone.empty())
      out << "  no zone of agreement (red lines do not overlap): " << no_zone << "\n";
    for (const auto& p : r.principals) {
      out << "  " << s.agents[p.agent].name << ": aspiration " << fixed(p.aspiration, 3)
          << " (reservation " << fixed(p.reservation, 2) << "), trust " << fixed(p.trust, 2)
          << ", pressure " << fixed(p.pressure, 2) << "; values full " << fixed(p.value_full, 3);
      if (!s.deals.interim.empty()) out << ", interim " << fixed(p.value_interim, 3);
      out << " -> "
          << (p.accepts_full && p.accepts_interim ? "accepts both"
              : p.accepts_full                    ? "accepts full"
              : p.accepts_interim                 ? "accepts interim"
                                                  : "accepts neither")
          << "\n";
    }
    out << "  progress " << fixed(r.progress, 2);
    for (const auto& [j, h] : r.strike_hazards) {
      out << "; " << s.agents[j].name << " strike hazard " << fixed(h, 3);
    }
    out << "\n";
    for (const auto& e : r.events) {
      if (e.kind != model::EventKind::unrest && e.kind != model::EventKind::leadership_change) {
        out << "  event: " << describe_event(s, e) << "\n";
      }
    }
    out << "  => " << r.decision << "\n";
  }

  const model::RunResult& res = t.result;
  out << "\nOutcome: " << to_string(res.outcome);
  if (res.outcome == model::Outcome::breakdown) {
    out << " (" << to_string(res.cause);
    if (res.agent >= 0) out << ", " << s.agents[static_cast<std::size_t>(res.agent)].name;
    out << ")";
  }
  out << " in round " << res.round << "\n";
  if (res.outcome == model::Outcome::full_deal || res.outcome == model::Outcome::interim_deal) {
    out << "Terms" << (res.phased ? " (relief phased)" : "") << ":\n";
    for (std::size_t k = 0; k < n; ++k) {
      out << "  " << s.issues[k].name << ": " << term(res.terms[k]) << " " << s.issues[k].unit
          << "\n";
    }
  }
  out << "Utilities:";
  for (std::size_t a = 0; a < s.agents.size(); ++a) {
    if (s.agents[a].role == Role::mediator) continue;
    out << " " << s.agents[a].name << " " << fixed(res.utility[a], 3);
  }
  out << "\n";
}

void write_trace_json(std::ostream& out, const TracedRun& t) {
  const Scenario& s = t.negotiation->scenario();
  const std::size_t n = s.issues.size();
  auto event_json = [&](const model::Event& e) {
    Json j{{"round", e.round}, {"kind", to_string(e.kind)}};
    j["agent"] = e.agent >= 0 ? Json(s.agents[static_cast<std::size_t>(e.agent)].name) : Json();
    return j;
  };
  Json j;
  j["negsim"] = kVersion;
  j["scenario"] = s.name;
  j["seed"] = t.seed;
  j["run"] = t.run;
  Json issues = Json::array();
  for (const auto& issue : s.issues) issues.push_back(issue.name);
  j["issues"] = issues;
  Json draws = Json::object();
  for (std::size_t a = 0; a < s.agents.size(); ++a) {
    const model::AgentDraw& d = t.draw.agents[a];
    Json o{{"role", to_string(d.role)}};
    if (d.role == Role::mediator) {
      o["skill"] = d.skill;
    } else {
      o["capability"] = d.capability;
      Json ideal = Json::object(), salience = Json::object();
      for (std::size_t k = 0; k < n; ++k) {
        if (d.salience[k] == 0) continue;
        ideal[s.issues[k].name] = t.negotiation->to_real(k, d.ideal[k]);
        salience[s.issues[k].name] = d.salience[k];
      }
      o["ideal"] = ideal;
      o["salience"] = salience;
      o["risk"] = d.risk;
    }
    if (d.role == Role::principal) {
      o["reservation"] = d.reservation;
      o["concession"] = d.concession;
      o["trust"] = d.trust;
    }
    draws[s.agents[a].name] = o;
  }
  j["draws"] = draws;
  Json rounds = Json::array();
  for (const auto& r : t.trace.rounds) {
    Json o{{"round", r.round}, {"full_text", r.full_text}, {"interim_text", r.interim_text}};
    Json no_zone = Json::array();
    for (std::size_t k = 0; k < n; ++k) {
      if (r.no_zone[k]) no_zone.push_back(s.issues[k].name);
    }
    o["no_zone"] = no_zone;
    Json ps = Json::object();
    for (const auto& p : r.principals) {
      ps[s.agents[p.agent].name] = Json{{"aspiration", p.aspiration},
                                        {"reservation", p.reservation},
                                        {"trust", p.trust},
                                        {"pressure", p.pressure},
                                        {"value_full", p.value_full},
                                        {"value_interim", p.value_interim},
                                        {"accepts_full", p.accepts_full},
                                        {"accepts_interim", p.accepts_interim}};
    }
    o["principals"] = ps;
    Json hazards = Json::object();
    for (const auto& [a, h] : r.strike_hazards) hazards[s.agents[a].name] = h;
    o["strike_hazard"] = hazards;
    o["progress"] = r.progress;
    Json events = Json::array();
    for (const auto& e : r.events) events.push_back(event_json(e));
    o["events"] = events;
    o["decision"] = r.decision;
    rounds.push_back(o);
  }
  j["rounds"] = rounds;
  const model::RunResult& res = t.result;
  Json outcome{{"outcome", to_string(res.outcome)}, {"round", res.round}};
  if (res.outcome == model::Outcome::breakdown) outcome["cause"] = to_string(res.cause);
  if (res.agent >= 0) outcome["agent"] = s.agents[static_cast<std::size_t>(res.agent)].name;
  if (res.outcome == model::Outcome::full_deal || res.outcome == model::Outcome::interim_deal) {
    Json terms = Json::object();
    for (std::size_t k = 0; k < n; ++k) terms[s.issues[k].name] = res.terms[k];
    outcome["terms"] = terms;
    outcome["phased"] = res.phased;
  }
  Json utility = Json::object();
  for (std::size_t a = 0; a < s.agents.size(); ++a) {
    if (s.agents[a].role != Role::mediator) utility[s.agents[a].name] = res.utility[a];
  }
  outcome["utility"] = utility;
  j["outcome"] = outcome;
  out << j.dump(2) << "\n";
}

}  // namespace negsim

// ---------------------------------------------------------------------------
// Monte Carlo outputs.

#include <fcntl.h>
#include <unistd.h>

#include <boost/uuid/detail/sha1.hpp>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <system_error>

namespace negsim {
namespace {

constexpr std::array<model::Outcome, kOutcomes> kAllOutcomes{
    model::Outcome::full_deal, model::Outcome::interim_deal, model::Outcome::breakdown,
    model::Outcome::no_agreement};
constexpr std::array<model::Cause, 3> kBreakdownCauses{model::Cause::strike, model::Cause::walkout,
                                                       model::Cause::snapback};
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
Json results(const Scenario& s, const Tally& t);
}  // namespace

std::string summary_json(const Scenario& s, const Tally& t, const Provenance& p) {
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
  j.update(results(s, t));
  return j.dump(2) + "\n";
}

namespace {
/// Every aggregate of summary.json but the provenance.
Json results(const Scenario& s, const Tally& t) {
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

  Json causes;
  const std::uint64_t breakdowns = t.outcomes[static_cast<std::size_t>(model::Outcome::breakdown)];
  for (model::Cause c : kBreakdownCauses) {
    const auto i = static_cast<std::size_t>(c);
    const Interval ci = wilson(t.causes[i], t.runs);
    causes[model::to_string(c)] =
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
  for (std::size_t e = 0; e < model::kEventKinds; ++e) {
    const Interval ci = wilson(t.runs_with_event[e], t.runs);
    events[model::to_string(static_cast<model::EventKind>(e))] =
        Json{{"runs_with", t.runs_with_event[e]},
             {"p", ci.estimate},
             {"lo", ci.lo},
             {"hi", ci.hi},
             {"total", t.events[e]}};
  }
  j["events"] = events;
  return j;
}
}  // namespace

std::string headline_table(const Scenario&, const Tally& t) {
  std::string out = "| outcome | probability | 95% interval | runs |\n|---|---:|---:|---:|\n";
  for (model::Outcome o : kAllOutcomes) {
    const auto i = static_cast<std::size_t>(o);
    const Interval ci = wilson(t.outcomes[i], t.runs);
    out += "| " + std::string(model::to_string(o)) + " | " + percent(ci.estimate) + " | " +
           percent(ci.lo) + " - " + percent(ci.hi) + " | " + std::to_string(t.outcomes[i]) + " |\n";
  }
  return out;
}

std::string report_markdown(const Scenario& s, const Tally& t, const Provenance& p) {
  std::string out = "# " + s.name + "\n\n";
  out += std::to_string(t.runs) + " simulated negotiations, seed " + std::to_string(p.seed) +
         ". Intervals are 95% Wilson score intervals.\n\n";
  out += "## Outcomes\n\n" + headline_table(s, t) + "\n";

  out +=
      "## Why talks broke down\n\n| cause | share of all runs | share of breakdowns "
      "|\n|---|---:|---:|\n";
  const std::uint64_t breakdowns = t.outcomes[static_cast<std::size_t>(model::Outcome::breakdown)];
  for (model::Cause c : kBreakdownCauses) {
    const auto i = static_cast<std::size_t>(c);
    out += "| " + std::string(model::to_string(c)) + " | " +
           interval_text(wilson(t.causes[i], t.runs)) + " | " +
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

  out += "\n## Events\n\n| event | runs with it | events |\n|---|---:|---:|\n";
  for (std::size_t e = 0; e < model::kEventKinds; ++e) {
    out += "| " + std::string(model::to_string(static_cast<model::EventKind>(e))) + " | " +
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

std::string runs_csv_header(const Scenario& s) {
  std::string h = "run,outcome,cause,round,phased";
  for (const Agent& a : s.agents) {
    if (a.role == Role::mediator) {
      h += "," + a.name + ".skill";
      continue;
    }
    h += "," + a.name + ".capability";
    if (a.role == Role::principal) {
      h += "," + a.name + ".reservation," + a.name + ".concession," + a.name + ".trust";
    }
    for (std::size_t k = 0; k < s.issues.size(); ++k) {
      if (a.ideal[k]) h += "," + a.name + ".ideal." + s.issues[k].name;
    }
    if (a.strike) h += "," + a.name + ".strike.base";
    if (a.snapback) h += "," + a.name + ".snapback.deadline";
  }
  for (const Issue& issue : s.issues) h += ",terms." + issue.name;
  return h + "\n";
}

void append_runs_csv(std::string& out, const model::Negotiation& negotiation,
                     const std::vector<RunRecord>& records) {
  const Scenario& s = negotiation.scenario();
  auto num = [&out](double x) {
    out += ',';
    out += detail::format_number(x);
  };
  for (const RunRecord& r : records) {
    const model::RunResult& res = r.result;
    out += std::to_string(r.run) + "," + model::to_string(res.outcome) + "," +
           (res.outcome == model::Outcome::breakdown ? model::to_string(res.cause) : "") + "," +
           std::to_string(res.round) + "," + (res.phased ? "1" : "0");
    for (std::size_t a = 0; a < s.agents.size(); ++a) {
      const Agent& agent = s.agents[a];
      const model::AgentDraw& d = r.draw.agents[a];
      if (agent.role == Role::mediator) {
        num(d.skill);
        continue;
      }
      num(d.capability);
      if (agent.role == Role::principal) {
        num(d.reservation);
        num(d.concession);
        num(d.trust);
      }
      for (std::size_t k = 0; k < s.issues.size(); ++k) {
        if (agent.ideal[k]) num(negotiation.to_real(k, d.ideal[k]));
      }
      if (agent.strike) num(d.strike_base);
      if (agent.snapback) num(d.snapback_deadline);
    }
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

PointRecord point_record(const Scenario& scenario, std::size_t point,
                         const std::vector<double>& values, const Tally& tally) {
  PointRecord r;
  r.point = point;
  r.values = values;
  r.runs = tally.runs;
  r.outcomes = tally.outcomes;
  for (std::size_t c = 0; c < kBreakdownCauses.size(); ++c) {
    r.causes[c] = tally.causes[static_cast<std::size_t>(kBreakdownCauses[c])];
  }
  r.summary = results(scenario, tally).dump();
  return r;
}

Manifest sweep_manifest(const Scenario& base, const std::string& scenario_file,
                        const std::string& design_text, const SweepOptions& options,
                        std::size_t points) {
  Manifest m;
  m["negsim"] = kVersion;
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
  for (model::Cause c : kBreakdownCauses) out += std::string(",breakdown_") + model::to_string(c);
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
    for (std::uint64_t c : r.causes) {
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

// ---------------------------------------------------------------------------
// negsim report: plots, report.md and report.html.

#include <spawn.h>
#include <sys/wait.h>

extern char** environ;

namespace negsim {
namespace {

/// Runs a program (no shell), its standard output discarded (and its
/// standard error too when `silent`); returns its exit status, or -1 if it
/// could not be started.
int run_program(const std::vector<std::string>& argv, bool silent = false) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  if (silent) posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return -1;
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// A Python that can draw: $NEGSIM_PYTHON, python3, or Debian's /usr/bin/python3.
std::optional<std::string> find_python() {
  std::vector<std::string> candidates;
  if (const char* env = std::getenv("NEGSIM_PYTHON")) candidates.emplace_back(env);
  candidates.emplace_back("python3");
  candidates.emplace_back("/usr/bin/python3");
  for (const auto& py : candidates) {
    if (run_program({py, "-c", "import matplotlib, pandas"}, true) == 0) return py;
  }
  return std::nullopt;
}

std::optional<std::string> find_plots() {
  if (const char* env = std::getenv("NEGSIM_PLOTS")) return std::string(env);
  for (const char* dir : kPlotsPaths) {
    if (std::filesystem::is_regular_file(std::filesystem::path(dir) / "outcomes.py"))
      return std::string(dir);
  }
  return std::nullopt;
}

std::string base64(const std::string& bytes) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  if (i < bytes.size()) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string slurp_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string escape_html(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

/// A table cell that carries its exact value, so tools (and the tests) can
/// check the report against summary.json.
std::string value_cell(const std::string& key, double value, const std::string& shown) {
  return "<td data-key=\"" + key + "\" data-value=\"" + detail::format_number(value) + "\">" +
         shown + "</td>";
}

}  // namespace

ReportResult write_report(const std::string& dir_name, bool html) {
  namespace fs = std::filesystem;
  const fs::path dir = dir_name;
  const fs::path summary_path = dir / "summary.json";
  Json summary;
  try {
    summary = Json::parse(slurp_file(summary_path));
  } catch (const Json::exception& e) {
    throw std::runtime_error(summary_path.string() + ": not a negsim summary (" + e.what() + ")");
  }
  if (!summary.contains("outcomes") || !summary.contains("provenance")) {
    throw std::runtime_error(summary_path.string() +
                             ": not a negsim summary (no outcomes or provenance)");
  }
  const bool have_runs = fs::is_regular_file(dir / "runs.csv");

  // The plots, each by its script; what cannot be drawn is said plainly.
  struct PlotJob {
    std::string name, script;
    std::vector<std::string> args;
    std::string caption;
    bool needs_runs;
  };
  const std::string sp = summary_path.string(), rp = (dir / "runs.csv").string();
  std::vector<PlotJob> jobs{
      {"outcomes", "outcomes.py", {sp}, "Outcome probabilities with 95% intervals", false},
      {"incidence", "incidence.py", {sp}, "Cumulative incidence of each outcome", false},
      {"terms", "terms.py",
       have_runs ? std::vector<std::string>{sp, "--runs", rp} : std::vector<std::string>{sp},
       "Deal terms per issue", false},
      {"convergence",
       "convergence.py",
       {rp},
       "Convergence of the estimates with the number of runs",
       true},
  };
  ReportResult result;
  const auto python = find_python();
  const auto plots_dir = find_plots();
  std::vector<std::pair<std::string, std::string>> drawn;  // (name, caption)
  fs::create_directories(dir / "plots");
  for (const auto& job : jobs) {
    if (job.needs_runs && !have_runs) {
      result.skipped.push_back(job.name + ": needs runs.csv (run with --runs-csv)");
      continue;
    }
    if (!python) {
      result.skipped.push_back(job.name +
                               ": no Python 3 with matplotlib and pandas (apt-get install "
                               "python3-matplotlib python3-pandas)");
      continue;
    }
    if (!plots_dir) {
      result.skipped.push_back(job.name +
                               ": the plot scripts are not installed (set NEGSIM_PLOTS)");
      continue;
    }
    std::vector<std::string> argv{*python, (fs::path(*plots_dir) / job.script).string()};
    argv.insert(argv.end(), job.args.begin(), job.args.end());
    argv.push_back("--out");
    argv.push_back((dir / "plots" / job.name).string());
    if (run_program(argv) != 0) {
      result.skipped.push_back(job.name + ": " + job.script + " failed (its message is above)");
      continue;
    }
    result.plots.push_back("plots/" + job.name + ".png");
    result.plots.push_back("plots/" + job.name + ".svg");
    drawn.emplace_back(job.name, job.caption);
  }

  // report.md: the run's report, with a plots section (replaced on each call).
  const fs::path md_path = dir / "report.md";
  const std::string marker = "\n<!-- negsim report: plots -->\n";
  std::string md =
      fs::exists(md_path)
          ? slurp_file(md_path)
          : "# " + summary["provenance"].value("scenario", std::string("negsim report")) + "\n";
  if (const auto at = md.find(marker); at != std::string::npos) md.erase(at);
  md += marker + "\n## Plots\n\n";
  for (const auto& [name, caption] : drawn) md += "![" + caption + "](plots/" + name + ".png)\n\n";
  for (const auto& s : result.skipped) md += "- skipped " + s + "\n";
  write_atomically(md_path.string(), md);

  if (!html) return result;
  const Json& prov = summary["provenance"];
  const std::uint64_t runs = prov.value("runs", std::uint64_t{0});
  std::string h = R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>)" + escape_html(prov.value("scenario", std::string("negsim report"))) +
                  R"(</title>
<style>
body{font-family:system-ui,-apple-system,"DejaVu Sans",sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5em 0}td,th{padding:.3em .8em;border-bottom:1px solid #eee;text-align:right}
td:first-child,th:first-child{text-align:left}figure{margin:1em 0}img{max-width:100%}
figcaption{color:#555;font-size:.9em}.provenance{font-size:.85em;color:#444}.skipped{color:#8a4b00}
</style></head><body>
)";
  h += "<h1>" + escape_html(prov.value("scenario", std::string())) + "</h1>\n";
  h += "<p>" + std::to_string(runs) + " simulated negotiations, seed " +
       std::to_string(prov.value("seed", std::uint64_t{0})) +
       ". Intervals are 95% Wilson score intervals.</p>\n";
  h += "<h2>Outcomes</h2>\n<table id=\"headline\"><tr><th>outcome</th><th>probability</th><th>95% "
       "interval</th><th>runs</th></tr>\n";
  for (model::Outcome o : kAllOutcomes) {
    const std::string k = model::to_string(o);
    const Json& v = summary["outcomes"][k];
    const double p = v.value("p", 0.0), lo = v.value("lo", 0.0), hi = v.value("hi", 0.0);
    h += "<tr><td>" + k + "</td>" + value_cell("outcomes." + k + ".p", p, percent(p)) + "<td>" +
         percent(lo) + " &ndash; " + percent(hi) + "</td>" +
         value_cell("outcomes." + k + ".count", v.value("count", 0.0),
                    std::to_string(v.value("count", std::uint64_t{0}))) +
         "</tr>\n";
  }
  h += "</table>\n";
  for (const auto& [name, caption] : drawn) {
    if (name != "outcomes") continue;
    h += "<figure><img alt=\"" + escape_html(caption) + "\" src=\"data:image/png;base64," +
         base64(slurp_file(dir / "plots" / (name + ".png"))) + "\"><figcaption>" +
         escape_html(caption) + "</figcaption></figure>\n";
  }
  h += "<h2>Why talks broke down</h2>\n<table id=\"causes\"><tr><th>cause</th><th>share of all "
       "runs</th><th>95% interval</th><th>share of breakdowns</th></tr>\n";
  for (const auto& [cause, v] : summary["breakdown_causes"].items()) {
    const double p = v.value("p", 0.0);
    const auto& share = v["share_of_breakdowns"];
    h += "<tr><td>" + cause + "</td>" +
         value_cell("breakdown_causes." + cause + ".p", p, percent(p)) + "<td>" +
         percent(v.value("lo", 0.0)) + " &ndash; " + percent(v.value("hi", 0.0)) + "</td><td>" +
         (share.is_number() ? percent(share.get<double>()) : std::string("-")) + "</td></tr>\n";
  }
  h += "</table>\n";
  h += "<h2>Plots</h2>\n";
  for (const auto& [name, caption] : drawn) {
    if (name == "outcomes") continue;
    h += "<figure><img alt=\"" + escape_html(caption) + "\" src=\"data:image/png;base64," +
         base64(slurp_file(dir / "plots" / (name + ".png"))) + "\"><figcaption>" +
         escape_html(caption) + "</figcaption></figure>\n";
  }
  for (const auto& s : result.skipped)
    h += "<p class=\"skipped\">Skipped " + escape_html(s) + "</p>\n";
  h += "<h2>Provenance</h2>\n<ul class=\"provenance\">\n";
  h += "<li>negsim " + escape_html(summary.value("negsim", std::string())) + "</li>\n";
  h += "<li>scenario <code>" + escape_html(prov.value("scenario_file", std::string())) +
       "</code>, sha1 <code>" + escape_html(prov.value("scenario_sha1", std::string())) +
       "</code> (resolved <code>" + escape_html(prov.value("resolved_sha1", std::string())) +
       "</code>)</li>\n";
  for (const auto& o : prov.value("overrides", Json::array())) {
    h += "<li>override <code>--set " + escape_html(o.get<std::string>()) + "</code></li>\n";
  }
  h += "<li>seed " + std::to_string(prov.value("seed", std::uint64_t{0})) + ", " +
       std::to_string(runs) + " runs, " + std::to_string(prov.value("threads", 0)) + " threads, " +
       fixed(prov.value("wall_seconds", 0.0), 2) + " s</li>\n<li>date " +
       escape_html(prov.value("date", std::string())) + "</li>\n</ul>\n</body></html>\n";
  write_atomically((dir / "report.html").string(), h);
  return result;
}

}  // namespace negsim
