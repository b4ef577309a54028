#include "negsim/trace.hpp"

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "negsim/detail/text.hpp"
#include "negsim/version.hpp"

namespace negsim {
namespace {

using Json = nlohmann::ordered_json;
using detail::fixed;
using detail::short_number;
using model::FieldKind;

bool is_deal(model::Outcome o) {
  return o == model::Outcome::full_deal || o == model::Outcome::interim_deal;
}

/// A field's value as the text trace shows it.
std::string shown(const model::FieldInfo& f, double value) {
  if (f.kind == FieldKind::flag || f.kind == FieldKind::issue_flag)
    return value != 0 ? "yes" : "no";
  if (f.kind == FieldKind::issue_value) return short_number(value);
  return fixed(value, f.decimals);
}

/// One round's entries as lines: an event where it happened; each
/// mechanism's fields grouped into one line per agent (and one for the
/// talks), issue fields one line each, in the order first written.
std::vector<std::string> round_lines(const model::Negotiation& neg, const model::RoundTrace& r) {
  const Scenario& s = neg.scenario();
  const model::Catalog& c = neg.catalog();
  std::vector<std::string> lines;
  std::size_t i = 0;
  while (i < r.entries.size()) {
    const model::TraceEntry& first = r.entries[i];
    if (first.is_event) {
      lines.push_back("event: " +
                      neg.describe(model::Event{r.round, static_cast<model::EventKind>(first.id),
                                                first.agent}));
      ++i;
      continue;
    }
    // The block of consecutive field entries of one mechanism.
    const std::size_t mechanism = c.fields[first.id].mechanism;
    std::size_t end = i;
    while (end < r.entries.size() && !r.entries[end].is_event &&
           c.fields[r.entries[end].id].mechanism == mechanism) {
      ++end;
    }
    struct Line {
      int agent;
      int field;  ///< an issue field's line, or -1 for an agent's (or the talks') numbers
      std::string text;
      std::size_t issues = 0;
    };
    std::vector<Line> block;
    auto line_for = [&](int agent, int field) -> Line& {
      for (Line& l : block) {
        if (l.agent == agent && l.field == field) return l;
      }
      block.push_back(Line{agent, field, "", 0});
      return block.back();
    };
    for (std::size_t e = i; e < end; ++e) {
      const model::TraceEntry& en = r.entries[e];
      const model::FieldInfo& f = c.fields[en.id];
      if (f.kind == FieldKind::issue_value || f.kind == FieldKind::issue_flag) {
        Line& l = line_for(en.agent, en.id);
        const std::string& issue = s.issues[static_cast<std::size_t>(en.issue)].name;
        if (f.kind == FieldKind::issue_flag) {
          if (en.value != 0) l.text += (l.text.empty() ? "" : ", ") + issue;
        } else {
          l.text += (l.text.empty() ? "" : " | ") + issue + " " + shown(f, en.value);
        }
        ++l.issues;
        continue;
      }
      Line& l = line_for(en.agent, -1);
      l.text += (l.text.empty() ? "" : ", ") + f.label + " " + shown(f, en.value);
    }
    for (const Line& l : block) {
      if (l.text.empty()) continue;  // an issue flag set on no issue
      std::string who = l.agent >= 0 ? s.agents[static_cast<std::size_t>(l.agent)].name : "";
      if (l.field >= 0) {
        const model::FieldInfo& f = c.fields[static_cast<std::size_t>(l.field)];
        std::string text = (who.empty() ? "" : who + " ") + f.label + ": " + l.text;
        if (!f.unlisted.empty() && l.issues < s.issues.size()) text += " (" + f.unlisted + ")";
        lines.push_back(text);
      } else {
        lines.push_back(who.empty() ? l.text : who + ": " + l.text);
      }
    }
    i = end;
  }
  return lines;
}

Json event_json(const model::Negotiation& neg, const model::Event& e) {
  Json j{{"round", e.round}, {"kind", neg.event_name(e.kind)}};
  j["agent"] =
      e.agent >= 0 ? Json(neg.scenario().agents[static_cast<std::size_t>(e.agent)].name) : Json();
  j["text"] = neg.describe(e);
  return j;
}

/// The issues whose bits a holdout's mask sets: where the judged text
/// crossed its red lines (RunResult::holdout_issues).
std::vector<std::string> crossed_issues(const Scenario& s, std::uint16_t mask) {
  std::vector<std::string> out;
  for (std::size_t k = 0; k < s.issues.size(); ++k) {
    if (mask >> k & 1u) out.push_back(s.issues[k].name);
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
  model::RunStreams streams(negotiation, seed, 0, run);
  t.result = negotiation.play(t.draw, streams, &t.trace);
  return t;
}

void write_trace_text(std::ostream& out, const TracedRun& t) {
  const model::Negotiation& neg = *t.negotiation;
  const Scenario& s = neg.scenario();
  const model::Catalog& c = neg.catalog();
  const std::size_t n = s.issues.size();
  out << "negsim " << kVersion << " trace: " << s.name << "\n"
      << "seed " << t.seed << ", run " << t.run << ", text rule " << to_string(s.protocol.rule)
      << ", horizon " << s.rounds.horizon << " " << s.rounds.unit << "s\n\n";

  out << "Issues (status quo):\n";
  for (std::size_t k = 0; k < n; ++k) {
    const Issue& issue = s.issues[k];
    out << "  " << issue.name << ": " << short_number(issue.status_quo) << " " << issue.unit
        << "\n";
  }
  out << "\nThis run's draws (issue values in their units):\n";
  for (int a = -1; a < static_cast<int>(s.agents.size()); ++a) {
    std::string line;
    for (std::size_t p = 0; p < c.params.size(); ++p) {
      if (c.params[p].agent != a) continue;
      line += (line.empty() ? "" : ", ") + c.params[p].name + " " +
              short_number(neg.shown(p, t.draw.values[p]));
    }
    if (line.empty()) continue;
    if (a < 0) {
      out << "  the talks: " << line << "\n";
    } else {
      const Agent& agent = s.agents[static_cast<std::size_t>(a)];
      out << "  " << agent.name << " (" << to_string(agent.role) << "): " << line << "\n";
    }
  }

  for (const model::RoundTrace& r : t.trace.rounds) {
    out << "\nRound " << r.round << " (" << s.rounds.unit << " " << r.round << ")\n";
    for (const std::string& line : round_lines(neg, r)) out << "  " << line << "\n";
    out << "  => " << r.decision << "\n";
  }

  const model::RunResult& res = t.result;
  out << "\nOutcome: " << to_string(res.outcome);
  if (res.outcome == model::Outcome::breakdown) {
    out << " (" << neg.cause_name(res.cause);
    if (res.agent >= 0) out << ", " << s.agents[static_cast<std::size_t>(res.agent)].name;
    out << ")";
  }
  out << " in round " << res.round;
  if (res.interim_round > 0) {
    if (res.outcome == model::Outcome::full_deal) {
      out << ", through the interim deal of round " << res.interim_round << " ("
          << res.round - res.interim_round << " rounds later)";
    } else if (res.outcome == model::Outcome::interim_deal) {
      out << ", holding at the horizon";
    } else {
      out << ", breaking the interim deal of round " << res.interim_round;
    }
  }
  out << "\n";
  if (is_deal(res.outcome)) {
    out << "Terms" << (res.phased ? " (relief phased)" : "") << ":\n";
    for (std::size_t k = 0; k < n; ++k) {
      out << "  " << s.issues[k].name << ": " << short_number(res.terms[k]) << " "
          << s.issues[k].unit << "\n";
    }
  }
  if (!is_deal(res.outcome)) {
    out << "Who blocked the deal (the " << (res.judged_interim ? "interim" : "full")
        << " text of the last round):";
    if (res.holdouts == 0) out << " no principal: every one accepted";
    for (std::size_t i = 0; i < s.agents.size(); ++i) {
      if (!(res.holdouts >> i & 1u)) continue;
      out << "\n  " << s.agents[i].name << ": short of its aspiration by "
          << fixed(res.holdout_gap[i], 3);
      std::string lines;
      for (const std::string& issue : crossed_issues(s, res.holdout_issues[i])) {
        lines += (lines.empty() ? "" : ", ") + issue;
      }
      if (!lines.empty()) out << "; crosses its red lines on " << lines;
    }
    out << "\n";
  }
  out << "Utilities:";
  for (std::size_t a = 0; a < s.agents.size(); ++a) {
    if (s.agents[a].role == Role::mediator) continue;
    out << " " << s.agents[a].name << " " << fixed(res.utility[a], 3);
  }
  out << "\n";
}

void write_trace_json(std::ostream& out, const TracedRun& t) {
  const model::Negotiation& neg = *t.negotiation;
  const Scenario& s = neg.scenario();
  const model::Catalog& c = neg.catalog();
  const std::size_t n = s.issues.size();
  Json j;
  j["negsim"] = kVersion;
  j["scenario"] = s.name;
  j["seed"] = t.seed;
  j["run"] = t.run;
  Json issues = Json::array();
  for (const auto& issue : s.issues) issues.push_back(issue.name);
  j["issues"] = issues;
  // The drawn parameters by owner and name, issue values in their units: the
  // columns of runs.csv.
  Json agents = Json::object(), talks = Json::object();
  for (const Agent& a : s.agents) agents[a.name] = Json{{"role", to_string(a.role)}};
  for (std::size_t p = 0; p < c.params.size(); ++p) {
    const double v = neg.shown(p, t.draw.values[p]);
    if (c.params[p].agent < 0) {
      talks[c.params[p].name] = v;
    } else {
      agents[s.agents[static_cast<std::size_t>(c.params[p].agent)].name][c.params[p].name] = v;
    }
  }
  j["draws"] = Json{{"agents", agents}, {"talks", talks}};

  Json rounds = Json::array();
  for (const auto& r : t.trace.rounds) {
    Json o{{"round", r.round}};
    Json by_agent = Json::object();
    Json events = Json::array();
    for (const model::TraceEntry& e : r.entries) {
      if (e.is_event) {
        events.push_back(
            event_json(neg, model::Event{r.round, static_cast<model::EventKind>(e.id), e.agent}));
        continue;
      }
      const model::FieldInfo& f = c.fields[e.id];
      Json value = f.kind == FieldKind::flag || f.kind == FieldKind::issue_flag ? Json(e.value != 0)
                                                                                : Json(e.value);
      Json& owner = e.agent >= 0 ? by_agent[s.agents[static_cast<std::size_t>(e.agent)].name] : o;
      if (f.kind == FieldKind::issue_flag) {
        if (!owner.contains(f.name)) owner[f.name] = Json::array();
        if (e.value != 0) owner[f.name].push_back(s.issues[static_cast<std::size_t>(e.issue)].name);
      } else if (f.kind == FieldKind::issue_value) {
        owner[f.name][s.issues[static_cast<std::size_t>(e.issue)].name] = value;
      } else {
        owner[f.name] = value;
      }
    }
    o["agents"] = by_agent;
    o["events"] = events;
    o["decision"] = r.decision;
    rounds.push_back(o);
  }
  j["rounds"] = rounds;
  const model::RunResult& res = t.result;
  Json outcome{{"outcome", to_string(res.outcome)}, {"round", res.round}};
  if (res.interim_round > 0) outcome["interim_round"] = res.interim_round;
  if (res.outcome == model::Outcome::breakdown) outcome["cause"] = neg.cause_name(res.cause);
  if (res.agent >= 0) outcome["agent"] = s.agents[static_cast<std::size_t>(res.agent)].name;
  if (is_deal(res.outcome)) {
    Json terms = Json::object();
    for (std::size_t k = 0; k < n; ++k) terms[s.issues[k].name] = res.terms[k];
    outcome["terms"] = terms;
    outcome["phased"] = res.phased;
  }
  if (!is_deal(res.outcome)) {
    Json holdouts = Json::object();
    for (std::size_t i = 0; i < s.agents.size(); ++i) {
      if (!(res.holdouts >> i & 1u)) continue;
      holdouts[s.agents[i].name] = Json{{"gap", res.holdout_gap[i]},
                                        {"red_lines", crossed_issues(s, res.holdout_issues[i])}};
    }
    outcome["judged_on"] = res.judged_interim ? "interim" : "full";
    outcome["holdouts"] = holdouts;
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
