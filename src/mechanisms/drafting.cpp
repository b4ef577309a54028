#include "negsim/mechanisms/drafting.hpp"

#include <algorithm>
#include <cmath>
#include <span>

#include "negsim/detail/bisect.hpp"

namespace negsim::model {

namespace {

/// On an issue of L levels (values j / (L - 1) normalised) a text takes the
/// level nearest its drafted value among those inside the text space (the
/// principals' red-line box); when the box holds none, the nearest level.
void round_to_levels(const Scenario& s, const TextSpace& space, IssueVec& text) {
  for (std::size_t k = 0; k < s.issues.size(); ++k) {
    const std::size_t levels = s.issues[k].levels.size();
    if (levels < 2 || !space.settles[k]) continue;
    const double steps = static_cast<double>(levels - 1);
    double j = std::round(text[k] * steps);
    const double lo = std::ceil(space.lo[k] * steps - Drafting::kLevelSlack);
    const double hi = std::floor(space.hi[k] * steps + Drafting::kLevelSlack);
    if (lo <= hi) j = std::clamp(j, lo, hi);
    text[k] = std::clamp(j, 0.0, steps) / steps;
  }
}

/// By bisection (Drafting::kOfferSteps halvings, detail::bisect) on a
/// segment's lambda in [0, 1]: the smallest lambda where the test holds,
/// given that it holds at 1, and the largest where it holds, given that it
/// holds at 0.
template <class Ok3>
double smallest_where(Ok3 ok3) {
  return detail::bisect(ok3, true, Drafting::kOfferSteps);
}
template <class Ok3>
double largest_where(Ok3 ok3) {
  return detail::bisect(ok3, false, Drafting::kOfferSteps);
}

}  // namespace

void Drafting::declare(Setup& setup) {
  const Scenario& s = setup.scenario();
  // Every mediator's skill cuts the drafting error, and every bias tilts
  // the weights (docs/MODEL.md §3.6, §3.7).
  for (std::size_t m : setup.negotiation().mediators()) {
    const Agent& mediator = s.agents[m];
    const int a = static_cast<int>(m);
    skills_.push_back(setup.param(a, "skill", mediator.skill));
    if (mediator.bias) {
      biases_.push_back(
          Bias{setup.param(a, "bias.amount", mediator.bias->amount), mediator.bias->toward.index});
    }
  }
  text_noise_ = setup.param(-1, "protocol.text_noise", s.protocol.text_noise);
  stream_ = setup.stream(Purpose::text_noise);
  state_ = setup.state<State>();
  full_text_ = setup.field("full_text", "full text", FieldKind::issue_value);
  if (!s.deals.interim.empty()) {
    interim_text_ = setup.field("interim_text", "interim text", FieldKind::issue_value, 3,
                                "the rest at the status quo");
  }
  no_zone_ = setup.field("no_zone", "no zone of agreement (red lines do not overlap)",
                         FieldKind::issue_flag);
  direct_ = setup.negotiation().mediators().empty();
  if (direct_) proposes_ = setup.field("proposes", "proposes", FieldKind::flag);
}

void Drafting::offer(Run& run, std::size_t proposer, const TextSpace& space, IssueVec& text) const {
  // Alternating offers (Rubinstein 1982; Faratin et al. 1998): the proposer
  // moves from its own position toward the others' (their capability-
  // weighted mean) just as far as it reads they need, and no further than
  // its own aspiration allows.
  Talks& t = run.talks;
  const Negotiation& neg = run.negotiation();
  const std::size_t n = t.n_issues;
  State& st = run.state<State>(state_);
  Rng& noise = run.stream(stream_);
  IssueVec own = t.position[proposer], theirs{};
  double total = 0;
  for (std::size_t j : neg.principals()) {
    if (j == proposer) continue;
    const double c = t.capability[j] > 0 ? t.capability[j] : 1.0;
    for (std::size_t k = 0; k < n; ++k) theirs[k] += c * t.position[j][k];
    total += c;
  }
  for (std::size_t k = 0; k < n; ++k) theirs[k] /= total;
  space.project(own);
  space.project(theirs);
  // How the proposer reads each other's aspiration: with the error sigma_N
  // that no mediator reduces (one normal per other principal).
  std::array<double, kMaxAgents> read{};
  for (std::size_t j : neg.principals()) {
    if (j == proposer) continue;
    read[j] = t.aspiration[j] + (st.noise_sd > 0 ? st.noise_sd * noise.normal() : 0.0);
  }
  auto at = [&](double lambda) {
    IssueVec x = space.fixed;
    for (std::size_t k = 0; k < n; ++k) {
      if (space.settles[k]) x[k] = own[k] + lambda * (theirs[k] - own[k]);
    }
    return x;
  };
  // Each principal's perceived value along the segment (the digits of
  // perceived_value at each point, at a fraction of the cost). The
  // unsettled issues of `own` are at their fixed values, as at() has them.
  std::array<SegmentValue, kMaxAgents> along;
  for (std::size_t j : neg.principals()) {
    along[j].set(t.prefs(j), t.trust[j], own, theirs, space.settles, neg.status_quo(), n);
  }
  // The tests judge three points at once (for the bisections); a single
  // point is judged as the first of three alike.
  using Points = std::array<double, 3>;
  auto others_accept3 = [&](const Points& lambda) {
    std::array<bool, 3> ok{true, true, true};
    for (std::size_t j : neg.principals()) {
      if (j == proposer) continue;
      const Points v = along[j].values(lambda);
      for (std::size_t q = 0; q < 3; ++q) ok[q] = ok[q] && !(v[q] < read[j]);
    }
    return ok;
  };
  auto self_accepts3 = [&](const Points& lambda) {
    const Points v = along[proposer].values(lambda);
    return std::array<bool, 3>{v[0] >= t.aspiration[proposer], v[1] >= t.aspiration[proposer],
                               v[2] >= t.aspiration[proposer]};
  };
  auto others_accept = [&](double lambda) { return others_accept3({lambda, lambda, lambda})[0]; };
  auto self_accepts = [&](double lambda) { return self_accepts3({lambda, lambda, lambda})[0]; };
  // The least it must give: the smallest lambda the others accept (1 when
  // none is enough).
  double need = 1;
  if (others_accept(0)) {
    need = 0;
  } else if (others_accept(1)) {
    need = smallest_where(others_accept3);
  }
  // The most it will give: the largest lambda it accepts itself.
  double give = 0;
  if (self_accepts(1)) {
    give = 1;
  } else if (self_accepts(0)) {
    give = largest_where(self_accepts3);
  }
  text = at(std::min(need, give));
  // Written by a party alone: the full drafting error.
  add_error(run, space, text);
}

void Drafting::add_error(Run& run, const TextSpace& space, IssueVec& text) const {
  const State& st = run.state<State>(state_);
  if (st.noise_sd > 0) {
    Rng& noise = run.stream(stream_);
    for (std::size_t k = 0; k < run.talks.n_issues; ++k) {
      if (space.settles[k]) text[k] += st.noise_sd * noise.normal();
    }
    space.project(text);
  }
  round_to_levels(run.scenario(), space, text);
}

void Drafting::formulate(Run& run, const TextSpace& space, IssueVec& text) const {
  // Communication and formulation (Touval & Zartman 1985; Kydd 2006): the
  // mediator reads each principal's aspiration, with the error its skill
  // leaves (one normal each), and moves its text toward those it reads as
  // refusing, just far enough for them and no further than the others
  // it reads as accepting allow.
  Talks& t = run.talks;
  const Negotiation& neg = run.negotiation();
  const std::size_t n = t.n_issues;
  State& st = run.state<State>(state_);
  Rng& noise = run.stream(stream_);
  std::array<double, kMaxAgents> read{};
  for (std::size_t i : neg.principals()) {
    read[i] = t.aspiration[i] + (st.noise_sd > 0 ? st.noise_sd * noise.normal() : 0.0);
  }
  // It reads acceptance by the value the principal decides by, its own
  // guarantees and leverage included.
  auto accepts = [&](std::size_t i, const IssueVec& x) {
    return t.deal_value(i, x, neg.status_quo()) >= read[i];
  };
  std::array<bool, kMaxAgents> refuses{};
  IssueVec toward{};
  double total = 0;
  for (std::size_t i : neg.principals()) {
    refuses[i] = !accepts(i, text);
    if (!refuses[i]) continue;
    const double c = t.capability[i] > 0 ? t.capability[i] : 1.0;
    for (std::size_t k = 0; k < n; ++k) toward[k] += c * t.position[i][k];
    total += c;
  }
  if (total == 0) return;  // it reads the text as acceptable to all
  for (std::size_t k = 0; k < n; ++k) toward[k] /= total;
  space.project(toward);
  const IssueVec from = text;
  auto at = [&](double lambda) {
    IssueVec x = from;
    for (std::size_t k = 0; k < n; ++k) {
      if (space.settles[k]) x[k] = from[k] + lambda * (toward[k] - from[k]);
    }
    return x;
  };
  // Each principal's value along the segment, for the bisection (the
  // digits of deal_value at each point, at a fraction of the cost).
  std::array<SegmentValue, kMaxAgents> along;
  for (std::size_t i : neg.principals()) {
    along[i].set(t.prefs(i), t.guaranteed_trust(i), from, toward, space.settles, neg.status_quo(),
                 n);
  }
  // Whether every principal of one kind, those that refuse the fair text
  // (of_refusers) or those that accept it, reads each of three points as
  // acceptable; a single point is judged as the first of three alike.
  auto all3 = [&](const std::array<double, 3>& lambda, bool of_refusers) {
    std::array<bool, 3> ok{true, true, true};
    for (std::size_t i : neg.principals()) {
      if (refuses[i] != of_refusers) continue;
      const std::array<double, 3> v = along[i].values(lambda);
      for (std::size_t q = 0; q < 3; ++q) ok[q] = ok[q] && !(v[q] + t.leverage[i] < read[i]);
    }
    return ok;
  };
  auto all = [&](double lambda, bool of_refusers) {
    return all3({lambda, lambda, lambda}, of_refusers)[0];
  };
  if (!all(1, true)) return;  // not even its position would do: keep the fair text
  const double lambda =
      smallest_where([&](const std::array<double, 3>& l) { return all3(l, true); });
  if (all(lambda, false)) text = at(lambda);  // the others still accept (as it reads them)
}

void Drafting::start(Run& run) const {
  Talks& t = run.talks;
  const Negotiation& neg = run.negotiation();
  const std::size_t n = t.n_issues;
  // The text spaces: the box cut by the principals' red lines.
  t.full.n = t.interim.n = n;
  for (std::size_t k = 0; k < n; ++k) {
    t.full.lo[k] = 0;
    t.full.hi[k] = 1;
    for (std::size_t i : neg.principals()) {
      t.full.lo[k] = std::max(t.full.lo[k], t.red_lo[i][k]);
      t.full.hi[k] = std::min(t.full.hi[k], t.red_hi[i][k]);
    }
    t.full.settles[k] = true;
    t.full.fixed[k] = neg.status_quo()[k];
  }
  t.interim.lo = t.full.lo;
  t.interim.hi = t.full.hi;
  t.interim.fixed = neg.status_quo();
  t.interim.settles = IssueMask{};
  for (const Ref& r : run.scenario().deals.interim) t.interim.settles[r.index] = true;
  t.has_interim = !run.scenario().deals.interim.empty();
  t.full_text = t.interim_text = neg.status_quo();

  // The mediator's weights: capability, tilted by its bias (Kydd 2003).
  State& st = run.state<State>(state_);
  st = State{};
  st.noise_sd = run.param(text_noise_);
  for (ParamId skill : skills_) st.noise_sd *= 1 - run.param(skill);
  st.tilt.fill(1.0);
  for (const Bias& b : biases_) st.tilt[b.toward] *= 1 + run.param(b.amount);
  double total = 0;
  for (std::size_t i : neg.principals()) total += t.capability[i];
  const auto& principals = neg.principals();
  for (std::size_t p = 0; p < principals.size(); ++p) {
    const std::size_t i = principals[p];
    const double w = total > 0 ? t.capability[i] / total : 1.0;
    st.weight[p] = w * st.tilt[i];
  }
  st.full_clean = st.interim_clean = neg.status_quo();
  st.have_texts = false;
}

void Drafting::step(Run& run) const {
  Talks& t = run.talks;
  State& st = run.state<State>(state_);
  const Negotiation& neg = run.negotiation();
  // The round's voices and parties: per thread, so a round fills only the
  // entries in use instead of building two arrays of kMaxAgents.
  thread_local std::array<Voice, kMaxAgents> voices;
  std::size_t n_voices = 0;
  for (std::size_t a = 0; a < t.n_agents; ++a) {
    if (run.scenario().agents[a].role == Role::mediator) continue;
    // A mediator's bias tilts the favoured principal's voice too.
    voices[n_voices++] = Voice{&t.position[a], &t.salience[a], t.capability[a] * st.tilt[a]};
  }
  thread_local std::array<Party, kMaxAgents> parties;
  const auto& principals = neg.principals();
  for (std::size_t p = 0; p < principals.size(); ++p) {
    const std::size_t i = principals[p];
    parties[p] = Party{t.prefs(i), st.weight[p], t.reservation[i]};
  }
  const std::span<const Voice> voice_span(voices.data(), n_voices);
  const std::span<const Party> party_span(parties.data(), principals.size());
  if (direct_) {
    // Without a mediator the principals take turns proposing.
    const std::size_t proposer =
        principals[static_cast<std::size_t>(t.round - 1) % principals.size()];
    offer(run, proposer, t.full, t.full_text);
    if (t.has_interim) offer(run, proposer, t.interim, t.interim_text);
    if (run.tracing()) {
      for (std::size_t i : principals) run.trace(proposes_, static_cast<int>(i), i == proposer);
    }
  } else {
    draft_texts(run, voice_span, party_span);
  }
  if (run.tracing()) {
    run.trace_issues(full_text_, -1, t.full_text);
    if (t.has_interim) run.trace_issues(interim_text_, -1, t.interim_text, &t.interim.settles);
    IssueMask no_zone{};
    for (std::size_t k = 0; k < t.n_issues; ++k) no_zone[k] = !t.full.has_zone(k);
    run.trace_issue_flags(no_zone_, -1, no_zone);
  }
}

void Drafting::draft_texts(Run& run, std::span<const Voice> voice_span,
                           std::span<const Party> party_span) const {
  Talks& t = run.talks;
  State& st = run.state<State>(state_);
  auto draft = [&](const TextSpace& space, IssueVec& clean, IssueVec& text) {
    const IssueVec start = compromise_text(voice_span, space);
    if (run.scenario().protocol.rule == TextRule::nash) {
      clean = nash_text(party_span, space, start, st.have_texts ? &clean : nullptr).text;
    } else {
      clean = start;
    }
    text = clean;
    formulate(run, space, text);
    add_error(run, space, text);
  };
  draft(t.full, st.full_clean, t.full_text);
  if (t.has_interim) draft(t.interim, st.interim_clean, t.interim_text);
  st.have_texts = true;
}

}  // namespace negsim::model
