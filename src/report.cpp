#include "negsim/report.hpp"

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
  // Adding 0.0 turns -0.0 into 0.0, so a zero never prints as "-0.000".
  std::snprintf(buf, sizeof buf, "%.*f", decimals, x + 0.0);
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
    out << "  " << agent.name << " (" << to_string(agent.role) << "): capability "
        << fixed(d.capability, 2);
    if (agent.role == Role::mediator) {
      out << ", skill " << fixed(d.skill, 2);
      if (d.bias_toward >= 0) {
        out << ", leaning " << fixed(d.bias_amount, 2) << " toward "
            << s.agents[static_cast<std::size_t>(d.bias_toward)].name;
      }
      out << "\n";
      continue;
    }
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
          << (p.accepts_full      ? "accepts full"
              : p.accepts_interim ? "accepts interim"
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
    Json o{{"role", to_string(d.role)}, {"capability", d.capability}};
    if (d.role == Role::mediator) {
      o["skill"] = d.skill;
    } else {
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
