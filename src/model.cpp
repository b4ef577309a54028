#include "negsim/model.hpp"

#include <algorithm>
#include <cmath>

namespace negsim::model {
namespace {

/// A principal is "at its reservation" when its aspiration is this close
/// (aspirations approach the reservation geometrically and never reach it).
constexpr double kAtReservation = 0.02;
/// Share of the gap to the lobbied position a principal moves each round.
constexpr double kLobbyPace = 0.5;
/// Slack when comparing a text with an executive cap (normalised units).
constexpr double kCapSlack = 1e-12;

int whole(double x) { return static_cast<int>(std::lround(x)); }

bool respects_red_lines(const AgentDraw& d, const IssueVec& x, const IssueMask& settles,
                        std::size_t n) {
  for (std::size_t k = 0; k < n; ++k) {
    if (settles[k] && (x[k] < d.red_lo[k] || x[k] > d.red_hi[k])) return false;
  }
  return true;
}

}  // namespace

const char* to_string(Outcome o) {
  switch (o) {
    case Outcome::full_deal:
      return "full_deal";
    case Outcome::interim_deal:
      return "interim_deal";
    case Outcome::breakdown:
      return "breakdown";
    case Outcome::no_agreement:
      return "no_agreement";
  }
  return "?";
}

const char* to_string(Cause c) {
  switch (c) {
    case Cause::none:
      return "none";
    case Cause::strike:
      return "strike";
    case Cause::walkout:
      return "walkout";
    case Cause::snapback:
      return "snapback";
  }
  return "?";
}

const char* to_string(EventKind e) {
  switch (e) {
    case EventKind::strike:
      return "strike";
    case EventKind::snapback:
      return "snapback";
    case EventKind::unrest:
      return "unrest";
    case EventKind::leadership_change:
      return "leadership_change";
    case EventKind::ratification_passed:
      return "ratification_passed";
    case EventKind::ratification_failed:
      return "ratification_failed";
    case EventKind::phased_relief:
      return "phased_relief";
    case EventKind::walkout:
      return "walkout";
  }
  return "?";
}

RunStreams::RunStreams(std::uint64_t seed, std::uint64_t point, std::uint64_t run)
    : noise(seed, point, run, Purpose::text_noise),
      strike(seed, point, run, Purpose::strike),
      snapback(seed, point, run, Purpose::snapback),
      domestic(seed, point, run, Purpose::domestic),
      ratification(seed, point, run, Purpose::ratification),
      walkout(seed, point, run, Purpose::walkout) {}

Negotiation::Negotiation(const Scenario& scenario) : scenario_(scenario) {
  for (std::size_t k = 0; k < scenario_.issues.size(); ++k) {
    status_quo_[k] = to_unit(k, scenario_.issues[k].status_quo);
  }
  for (const Ref& r : scenario_.deals.interim) interim_[r.index] = true;
  has_interim_ = !scenario_.deals.interim.empty();
  for (std::size_t a = 0; a < scenario_.agents.size(); ++a) {
    switch (scenario_.agents[a].role) {
      case Role::principal:
        principals_.push_back(a);
        break;
      case Role::spoiler:
        spoilers_.push_back(a);
        lobbyists_.push_back(a);
        break;
      case Role::enforcer:
        enforcers_.push_back(a);
        lobbyists_.push_back(a);
        break;
      case Role::mediator:
        mediator_ = static_cast<int>(a);
        break;
    }
  }
}

double Negotiation::to_real(std::size_t k, double x) const {
  const Issue& issue = scenario_.issues[k];
  return issue.min + x * (issue.max - issue.min);
}

double Negotiation::to_unit(std::size_t k, double value) const {
  const Issue& issue = scenario_.issues[k];
  return (value - issue.min) / (issue.max - issue.min);
}

void Negotiation::draw(std::uint64_t seed, std::uint64_t point, std::uint64_t run,
                       Draw& out) const {
  const Scenario& s = scenario_;
  const std::size_t n = s.issues.size();
  out.n_issues = n;
  Rng global(seed, point, run, Purpose::params, 0);
  out.walkout_patience = std::max(1, whole(sample(s.protocol.walkout_patience, global)));
  out.walkout_hazard = sample(s.protocol.walkout_hazard, global);
  out.trust_gain = sample(s.protocol.trust_gain, global);
  out.text_noise = sample(s.protocol.text_noise, global);
  out.strike_trust_shock = sample(s.events.strike_trust_shock, global);
  out.snapback_reservation_drop = sample(s.events.snapback_reservation_drop, global);
  out.snapback_walkout_hazard = sample(s.events.snapback_walkout_hazard, global);
  out.unrest_pressure = sample(s.events.unrest_pressure, global);
  out.leadership_shift = sample(s.events.leadership_shift, global);
  out.ratification_trust_shock = sample(s.events.ratification_trust_shock, global);
  out.ratification_failure = s.events.ratification_failure;

  out.agents.resize(s.agents.size());
  for (std::size_t a = 0; a < s.agents.size(); ++a) {
    const Agent& agent = s.agents[a];
    AgentDraw& d = out.agents[a];
    d = AgentDraw{};
    // One uniform per slot, present or not, so the draws of a field do not
    // depend on which other fields the file spells out.
    Rng rng(seed, point, run, Purpose::params, static_cast<std::uint32_t>(a + 1));
    auto slot = [&rng](const Param* p, double fallback) {
      const double u = rng.uniform();
      return p ? quantile(*p, u) : fallback;
    };
    d.role = agent.role;
    d.capability = slot(&agent.capability, 0);
    d.risk = slot(&agent.risk, 1);
    d.reservation = slot(&agent.reservation, 0);
    d.concession = slot(&agent.concession, 0);
    d.trust = slot(&agent.trust, 0);
    d.skill = slot(&agent.skill, 0);
    d.bias_amount = slot(agent.bias ? &agent.bias->amount : nullptr, 0);
    d.bias_toward = agent.bias ? static_cast<int>(agent.bias->toward.index) : -1;
    double salience_total = 0;
    for (std::size_t k = 0; k < n; ++k) {
      const auto& ideal = agent.ideal[k];
      d.ideal[k] = to_unit(k, slot(ideal ? &*ideal : nullptr, s.issues[k].min));
      d.salience[k] = slot(&agent.salience[k], 0);
      if (!ideal) d.salience[k] = 0;
      salience_total += d.salience[k];
      const Cap* cap = nullptr;
      if (agent.domestic) {
        for (const Cap& c : agent.domestic->caps) {
          if (c.issue.index == k) cap = &c;
        }
      }
      d.cap[k] = cap ? to_unit(k, slot(&cap->max, 0)) : (rng.uniform(), 2.0);
    }
    if (salience_total > 0) {
      for (std::size_t k = 0; k < n; ++k) d.salience[k] /= salience_total;
    }
    const Domestic* dom = agent.domestic ? &*agent.domestic : nullptr;
    d.ratification = slot(dom ? &dom->ratification : nullptr, 1);
    d.pressure = slot(dom ? &dom->pressure : nullptr, 0);
    d.unrest = slot(dom ? &dom->unrest : nullptr, 0);
    d.leadership = slot(dom ? &dom->leadership : nullptr, 0);
    const Strike* strike = agent.strike ? &*agent.strike : nullptr;
    d.strikes = strike != nullptr;
    d.strike_base = slot(strike ? &strike->base : nullptr, 0);
    d.strike_sensitivity = slot(strike ? &strike->sensitivity : nullptr, 0);
    d.strike_breakdown = slot(strike ? &strike->breakdown : nullptr, 0);
    const Snapback* snap = agent.snapback ? &*agent.snapback : nullptr;
    d.snaps = snap != nullptr;
    d.snapback_deadline = whole(slot(snap ? &snap->deadline : nullptr, 0));
    d.snapback_progress_below = slot(snap ? &snap->progress_below : nullptr, 0);
    d.snapback_target = snap ? snap->target.index : 0;
    d.n_lobbies = 0;
    for (std::size_t b = 0; b < s.agents.size(); ++b) {
      const Influence* inf = nullptr;
      for (const Influence& i : agent.influence) {
        if (i.target.index == b) inf = &i;
      }
      const double w = slot(inf ? &inf->weight : nullptr, 0);
      if (inf) d.lobbies[d.n_lobbies++] = Lobby{b, w};
    }
    for (std::size_t k = 0; k < n; ++k) {
      const RedLine& line = agent.red_lines[k];
      d.red_lo[k] = line.min ? to_unit(k, slot(&*line.min, 0)) : (rng.uniform(), 0.0);
      d.red_hi[k] = line.max ? to_unit(k, slot(&*line.max, 0)) : (rng.uniform(), 1.0);
    }
  }
}

RunResult Negotiation::play(const Draw& draw, RunStreams& streams, Trace* trace) const {
  const Scenario& s = scenario_;
  const std::size_t n = draw.n_issues;
  const std::size_t n_agents = draw.agents.size();
  const int horizon = s.rounds.horizon;
  RunResult result;

  // Mutable state, all on the stack.
  std::array<IssueVec, kMaxAgents> base{};      // own preferences (after leadership changes)
  std::array<IssueVec, kMaxAgents> position{};  // after lobbying
  std::array<double, kMaxAgents> aspiration{}, reservation{}, trust{}, pressure{};
  std::array<double, kMaxAgents> snapback_hazard{};
  std::array<int, kMaxAgents> without_text{};
  std::array<bool, kMaxAgents> snapped{};
  for (std::size_t a = 0; a < n_agents; ++a) {
    const AgentDraw& d = draw.agents[a];
    base[a] = d.ideal;
    position[a] = d.ideal;
    aspiration[a] = 1.0;  // aspirations start at the best imaginable text
    reservation[a] = d.reservation;
    trust[a] = d.trust;
    pressure[a] = d.pressure;
  }

  auto record = [&](int round, EventKind kind, int agent) {
    ++result.event_counts[static_cast<std::size_t>(kind)];
    if (result.n_events < RunResult::kMaxEvents) {
      result.events[result.n_events++] = Event{round, kind, agent};
    }
    if (trace && !trace->rounds.empty())
      trace->rounds.back().events.push_back({round, kind, agent});
  };
  auto prefs = [&](std::size_t a) {
    return Preferences{&position[a], &draw.agents[a].salience, draw.agents[a].risk};
  };

  // The text spaces: the box cut by the principals' red lines.
  TextSpace full, interim;
  full.n = interim.n = n;
  for (std::size_t k = 0; k < n; ++k) {
    full.lo[k] = 0;
    full.hi[k] = 1;
    for (std::size_t i : principals_) {
      full.lo[k] = std::max(full.lo[k], draw.agents[i].red_lo[k]);
      full.hi[k] = std::min(full.hi[k], draw.agents[i].red_hi[k]);
    }
    full.settles[k] = true;
    full.fixed[k] = status_quo_[k];
  }
  interim.lo = full.lo;
  interim.hi = full.hi;
  interim.fixed = status_quo_;
  interim.settles = interim_;

  // The mediator's weights: capability, tilted by its bias (Kydd 2003).
  double skill = 0;
  int bias_toward = -1;
  double bias_amount = 0;
  if (mediator_ >= 0) {
    const AgentDraw& m = draw.agents[static_cast<std::size_t>(mediator_)];
    skill = m.skill;
    bias_toward = m.bias_toward;
    bias_amount = m.bias_amount;
  }
  const double noise_sd = draw.text_noise * (1 - skill);
  std::array<Party, kMaxAgents> parties{};
  std::array<Voice, kMaxAgents> voices{};
  double weight_total = 0;
  for (std::size_t i : principals_) weight_total += draw.agents[i].capability;
  for (std::size_t p = 0; p < principals_.size(); ++p) {
    const std::size_t i = principals_[p];
    double w = weight_total > 0 ? draw.agents[i].capability / weight_total : 1.0;
    if (static_cast<int>(i) == bias_toward) w *= 1 + bias_amount;
    parties[p].weight = w;
  }

  IssueVec full_text = status_quo_, interim_text = status_quo_;
  // The texts before the drafting error: next round's warm start.
  IssueVec full_clean = status_quo_, interim_clean = status_quo_;
  bool have_texts = false;
  auto finish = [&](Outcome outcome, Cause cause, int round, int agent, const IssueVec* terms) {
    result.outcome = outcome;
    result.cause = cause;
    result.round = round;
    result.agent = agent;
    for (std::size_t a = 0; a < n_agents; ++a) {
      const AgentDraw& d = draw.agents[a];
      if (d.role == Role::mediator) continue;
      const Preferences own{&base[a], &d.salience, d.risk};
      if (terms) {
        result.utility[a] = utility(own, *terms, n);
      } else if (d.role == Role::principal) {
        result.utility[a] = reservation[a];
      } else {
        result.utility[a] = utility(own, status_quo_, n);
      }
    }
    if (terms) {
      for (std::size_t k = 0; k < n; ++k) result.terms[k] = to_real(k, (*terms)[k]);
    }
    if (trace && !trace->rounds.empty()) {
      auto& d = trace->rounds.back().decision;
      d = std::string(to_string(outcome));
      if (outcome == Outcome::breakdown) d += std::string(" (") + to_string(cause) + ")";
      if (result.phased) d += " with phased relief";
    }
    return result;
  };

  // Ratification of text x by every principal whose cap it exceeds
  // (Putnam 1988). True when the deal stands. A rejection costs trust; under
  // `phase` the rejected caps also bound every later text, so the mediator
  // rebalances the package with relief phased in up to the cap.
  bool capped_by_legislature = false;
  auto ratify = [&](const IssueVec& x, const IssueMask& settles, int round) {
    bool failed = false;
    for (std::size_t i : principals_) {
      const AgentDraw& d = draw.agents[i];
      bool over = false;
      // Like red lines, caps bind what the text settles: leaving an issue at
      // the status quo needs no legislature.
      for (std::size_t k = 0; k < n; ++k) over |= settles[k] && x[k] > d.cap[k] + kCapSlack;
      if (!over) continue;
      if (streams.ratification.bernoulli(d.ratification)) {
        record(round, EventKind::ratification_passed, static_cast<int>(i));
        continue;
      }
      record(round, EventKind::ratification_failed, static_cast<int>(i));
      failed = true;
      if (draw.ratification_failure == RatificationFailure::phase) {
        for (std::size_t k = 0; k < n; ++k) {
          if (!settles[k] || x[k] <= d.cap[k] + kCapSlack) continue;
          full.hi[k] = std::min(full.hi[k], d.cap[k]);
          interim.hi[k] = std::min(interim.hi[k], d.cap[k]);
        }
      }
    }
    if (!failed) return true;
    for (std::size_t i : principals_) trust[i] *= 1 - draw.ratification_trust_shock;
    if (draw.ratification_failure == RatificationFailure::phase && !capped_by_legislature) {
      capped_by_legislature = true;
      record(round, EventKind::phased_relief, -1);
    }
    return false;
  };

  for (int t = 1; t <= horizon; ++t) {
    RoundTrace* rt = nullptr;
    if (trace) {
      trace->rounds.emplace_back();
      rt = &trace->rounds.back();
      rt->round = t;
    }

    // 1. Domestic shocks: unrest raises the urge to settle; a leadership
    // change redraws the principal's positions within its red lines.
    for (std::size_t i : principals_) {
      const AgentDraw& d = draw.agents[i];
      if (streams.domestic.bernoulli(d.unrest)) {
        pressure[i] = std::min(1.0, pressure[i] + draw.unrest_pressure);
        record(t, EventKind::unrest, static_cast<int>(i));
      }
      if (streams.domestic.bernoulli(d.leadership)) {
        for (std::size_t k = 0; k < n; ++k) {
          if (d.salience[k] == 0) continue;
          base[i][k] = std::clamp(base[i][k] + draw.leadership_shift * streams.domestic.normal(),
                                  d.red_lo[k], d.red_hi[k]);
        }
        record(t, EventKind::leadership_change, static_cast<int>(i));
      }
    }

    // 2. Lobbying: spoilers and enforcers pull the principals they influence
    // toward their own ideals, at most by their influence weight.
    for (std::size_t i : principals_) {
      IssueVec target = base[i];
      for (std::size_t k = 0; k < n; ++k) {
        double pull = 0, total = 0;
        for (std::size_t j : lobbyists_) {
          const AgentDraw& l = draw.agents[j];
          if (l.salience[k] == 0) continue;
          for (std::size_t q = 0; q < l.n_lobbies; ++q) {
            if (l.lobbies[q].target != i) continue;
            pull += l.lobbies[q].weight * (l.ideal[k] - base[i][k]);
            total += l.lobbies[q].weight;
          }
        }
        if (total > 1) pull /= total;  // weights share at most the whole distance
        target[k] = base[i][k] + pull;
      }
      const AgentDraw& d = draw.agents[i];
      for (std::size_t k = 0; k < n; ++k) {
        position[i][k] += kLobbyPace * (target[k] - position[i][k]);
        position[i][k] = std::clamp(position[i][k], d.red_lo[k], d.red_hi[k]);
      }
    }

    // 3. The mediator's texts.
    std::size_t n_voices = 0;
    for (std::size_t a = 0; a < n_agents; ++a) {
      const AgentDraw& d = draw.agents[a];
      if (d.role == Role::mediator) continue;
      // The mediator's bias tilts the favoured principal's voice too.
      const double tilt = static_cast<int>(a) == bias_toward ? 1 + bias_amount : 1.0;
      voices[n_voices++] = Voice{&position[a], &d.salience, d.capability * tilt};
    }
    const std::span<const Voice> voice_span(voices.data(), n_voices);
    for (std::size_t p = 0; p < principals_.size(); ++p) {
      const std::size_t i = principals_[p];
      parties[p].prefs = prefs(i);
      parties[p].disagreement = reservation[i];
    }
    const std::span<const Party> party_span(parties.data(), principals_.size());
    auto draft = [&](const TextSpace& space, IssueVec& clean, IssueVec& text) {
      const IssueVec start = compromise_text(voice_span, space);
      if (s.protocol.rule == TextRule::nash) {
        clean = nash_text(party_span, space, start, have_texts ? &clean : nullptr).text;
      } else {
        clean = start;
      }
      text = clean;
      if (noise_sd > 0) {
        for (std::size_t k = 0; k < n; ++k) {
          if (space.settles[k]) text[k] += noise_sd * streams.noise.normal();
        }
        space.project(text);
      }
    };
    draft(full, full_clean, full_text);
    if (has_interim_) draft(interim, interim_clean, interim_text);
    have_texts = true;

    // 4. How each principal sees the texts.
    std::array<bool, kMaxAgents> accepts_full{}, accepts_interim{};
    bool all_full = true, all_interim = has_interim_;
    double progress_full = 0, progress_interim = 0;
    std::array<double, kMaxAgents> value_full{}, value_interim{};
    for (std::size_t i : principals_) {
      const AgentDraw& d = draw.agents[i];
      // How close a text is to what the principal holds out for (1 when it
      // would accept); an aspiration of 0 is met by anything.
      auto closeness = [&](double value) {
        return aspiration[i] > 0 ? std::clamp(value / aspiration[i], 0.0, 1.0) : 1.0;
      };
      value_full[i] = perceived_value(prefs(i), trust[i], full_text, status_quo_, n);
      accepts_full[i] =
          respects_red_lines(d, full_text, full.settles, n) && value_full[i] >= aspiration[i];
      all_full &= accepts_full[i];
      progress_full += closeness(value_full[i]);
      if (has_interim_) {
        // Red lines bind what a text settles, not the issues it leaves open.
        value_interim[i] = perceived_value(prefs(i), trust[i], interim_text, status_quo_, n);
        accepts_interim[i] = respects_red_lines(d, interim_text, interim.settles, n) &&
                             value_interim[i] >= aspiration[i];
        all_interim &= accepts_interim[i];
        progress_interim += closeness(value_interim[i]);
      }
    }
    const double principals_count = static_cast<double>(principals_.size());
    const double progress = std::max(progress_full, progress_interim) / principals_count;
    if (rt) {
      rt->progress = progress;
      for (std::size_t k = 0; k < n; ++k) {
        rt->full_text.push_back(to_real(k, full_text[k]));
        rt->interim_text.push_back(to_real(k, interim_text[k]));
        rt->no_zone.push_back(!full.has_zone(k));
      }
      for (std::size_t i : principals_) {
        rt->principals.push_back(
            PrincipalState{i, aspiration[i], reservation[i], trust[i], pressure[i], value_full[i],
                           value_interim[i], accepts_full[i], accepts_interim[i], without_text[i]});
      }
    }

    // 5. Spoiler strikes (Stedman 1997): likelier as agreement nears and as
    // the text moves away from the spoiler's ideal.
    for (std::size_t j : spoilers_) {
      const AgentDraw& d = draw.agents[j];
      if (!d.strikes) continue;
      double distance = 0;
      for (std::size_t k = 0; k < n; ++k) {
        distance += d.salience[k] * std::fabs(full_text[k] - d.ideal[k]);
      }
      const double hazard =
          std::min(1.0, d.strike_base * (1 + d.strike_sensitivity * (progress + distance)));
      if (rt) rt->strike_hazards.emplace_back(j, hazard);
      if (!streams.strike.bernoulli(hazard)) continue;
      record(t, EventKind::strike, static_cast<int>(j));
      for (std::size_t i : principals_) trust[i] *= 1 - draw.strike_trust_shock;
      if (streams.strike.bernoulli(d.strike_breakdown)) {
        return finish(Outcome::breakdown, Cause::strike, t, static_cast<int>(j), nullptr);
      }
    }

    // 6. Snapback: once the deadline's rounds have passed, an enforcer that
    // sees too little progress restores the target's sanctions.
    for (std::size_t e : enforcers_) {
      const AgentDraw& d = draw.agents[e];
      if (!d.snaps || snapped[e] || t != d.snapback_deadline + 1) continue;
      snapped[e] = true;
      if (progress >= d.snapback_progress_below) continue;
      const std::size_t target = d.snapback_target;
      reservation[target] = std::max(0.0, reservation[target] - draw.snapback_reservation_drop);
      snapback_hazard[target] += draw.snapback_walkout_hazard;
      record(t, EventKind::snapback, static_cast<int>(e));
    }
    for (std::size_t i : principals_) {
      if (snapback_hazard[i] > 0 && streams.snapback.bernoulli(snapback_hazard[i])) {
        record(t, EventKind::walkout, static_cast<int>(i));
        return finish(Outcome::breakdown, Cause::snapback, t, static_cast<int>(i), nullptr);
      }
    }

    // 7. Decisions: the full text first, then the interim one.
    if (all_full) {
      if (ratify(full_text, full.settles, t)) {
        result.phased = capped_by_legislature;
        return finish(Outcome::full_deal, Cause::none, t, -1, &full_text);
      }
    } else if (all_interim) {
      if (ratify(interim_text, interim.settles, t)) {
        result.phased = capped_by_legislature;
        return finish(Outcome::interim_deal, Cause::none, t, -1, &interim_text);
      }
    }

    // 8. Walk-outs: a principal at its reservation that has seen no
    // acceptable text for `patience` rounds may leave.
    for (std::size_t i : principals_) {
      without_text[i] = (accepts_full[i] || accepts_interim[i]) ? 0 : without_text[i] + 1;
      if (aspiration[i] - reservation[i] > kAtReservation) continue;
      if (without_text[i] < draw.walkout_patience) continue;
      if (streams.walkout.bernoulli(draw.walkout_hazard)) {
        record(t, EventKind::walkout, static_cast<int>(i));
        return finish(Outcome::breakdown, Cause::walkout, t, static_cast<int>(i), nullptr);
      }
    }

    // 9. Concession (Zeuthen 1930; Cross 1965): aspirations decay toward the
    // reservation, faster under pressure, slower under mistrust. Trust grows
    // when every principal concedes (reciprocity, Kydd 2006).
    bool all_conceded = true;
    for (std::size_t i : principals_) {
      const AgentDraw& d = draw.agents[i];
      const double pace = std::min(1.0, d.concession * (1 + pressure[i]) * (0.5 + 0.5 * trust[i]));
      const double next = reservation[i] + (aspiration[i] - reservation[i]) * (1 - pace);
      all_conceded &= aspiration[i] - next > 1e-9;
      aspiration[i] = next;
    }
    if (all_conceded) {
      for (std::size_t i : principals_) trust[i] += draw.trust_gain * (1 - trust[i]);
    }
    if (rt && rt->decision.empty()) rt->decision = "talks continue";
  }
  return finish(Outcome::no_agreement, Cause::none, horizon, -1, nullptr);
}

RunResult Negotiation::run(std::uint64_t seed, std::uint64_t point, std::uint64_t run_index,
                           Trace* trace) const {
  Draw d;
  draw(seed, point, run_index, d);
  RunStreams streams(seed, point, run_index);
  return play(d, streams, trace);
}

}  // namespace negsim::model
