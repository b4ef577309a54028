#include "negsim/mechanisms/decision.hpp"

#include <algorithm>

#include "negsim/mechanisms/implementation.hpp"

namespace negsim::model {

std::vector<ExtensionBlock> Decision::extensions() {
  ExtensionBlock voting;
  voting.name = "voting";
  voting.doc = "the decision rule";
  voting.fields = {
      ExtensionField::choice("rule", {"unanimity", "qualified"}, "unanimity or qualified"),
      ExtensionField::number("members", 0, 1, 0.55, "the share of principals that must accept"),
      ExtensionField::number("weight", 0, 1, 0.65, "the share of voting weight that must accept"),
      ExtensionField::number("blocking", 1, static_cast<double>(kMaxAgents), 1,
                             "the fewest refusals that can block"),
  };
  voting.fields.back().whole = true;
  ExtensionBlock vote;
  vote.name = "vote";
  vote.roles = {Role::principal};
  vote.doc = "the principal's voting weight and vetoes";
  vote.fields = {
      ExtensionField::number("weight", 0, 1e12, 1,
                             "the principal's voting weight (population, ...)"),
      ExtensionField::issue_list("veto", "the issues on which the principal must accept"),
  };
  return {voting, vote};
}

bool Decision::carried(const Qualified& rule, const bool* accepts, const double* weights,
                       std::size_t n) {
  std::size_t yes = 0;
  double yes_weight = 0, total_weight = 0;
  for (std::size_t i = 0; i < n; ++i) {
    yes += accepts[i];
    yes_weight += accepts[i] ? weights[i] : 0;
    total_weight += weights[i];
  }
  if (static_cast<int>(n - yes) < rule.blocking) return true;
  const double members = static_cast<double>(yes) / static_cast<double>(n);
  const double weight = total_weight > 0 ? yes_weight / total_weight : 1;
  return members >= rule.members - kShareSlack && weight >= rule.weight - kShareSlack;
}

bool Decision::decides(const Run& run, const std::array<bool, kMaxAgents>& accepts,
                       const IssueMask& settles) const {
  const auto& principals = run.negotiation().principals();
  std::uint16_t settled = 0;
  for (std::size_t k = 0; k < run.talks.n_issues; ++k) {
    if (settles[k]) settled = static_cast<std::uint16_t>(settled | (1u << k));
  }
  std::array<bool, kMaxAgents> yes{};
  std::array<double, kMaxAgents> weights{};
  bool all = true;
  for (std::size_t p = 0; p < principals.size(); ++p) {
    yes[p] = accepts[principals[p]];
    all &= yes[p];
    // A veto player on an issue the text settles must accept it.
    if ((veto_[p] & settled) && !yes[p]) return false;
    weights[p] = run.param_or(vote_weight_[p], 1);
  }
  if (!qualified_) return all;
  const Qualified rule{run.param(members_), run.param(weight_),
                       static_cast<int>(run.param(blocking_))};
  return carried(rule, yes.data(), weights.data(), principals.size());
}

void Decision::declare(Setup& setup) {
  const Scenario& s = setup.scenario();
  const ExtensionValue* rule = s.extension_value(-1, "voting", "rule");
  qualified_ = rule && rule->word == "qualified";
  // A scenario built in code without the block votes by the declared defaults.
  const ExtensionBlock voting = extensions().front();
  auto talks_field = [&](const char* name) {
    const Param* p = s.extension(-1, "voting", name);
    return p ? *p : voting.default_of(name);
  };
  if (qualified_) {
    members_ = setup.param(-1, "mechanisms.voting.members", talks_field("members"));
    weight_ = setup.param(-1, "mechanisms.voting.weight", talks_field("weight"));
    blocking_ = setup.param(-1, "mechanisms.voting.blocking", talks_field("blocking"), -1, true);
  }
  for (std::size_t i : setup.negotiation().principals()) {
    const int a = static_cast<int>(i);
    const Param* w = s.extension(a, "vote", "weight");
    vote_weight_.push_back(w && qualified_ ? setup.param(a, "vote.weight", *w) : kNoParam);
    std::uint16_t veto = 0;
    if (const ExtensionValue* v = s.extension_value(a, "vote", "veto")) {
      for (const Ref& r : v->issues) veto = static_cast<std::uint16_t>(veto | (1u << r.index));
    }
    veto_.push_back(veto);
  }
  own_.assign(s.agents.size(), Own{});
  bool any = false;
  for (std::size_t i : setup.negotiation().principals()) {
    Own& o = own_[i];
    o.cap.fill(kNoParam);
    o.floor.fill(kNoParam);
    const Agent& agent = s.agents[i];
    if (!agent.domestic) continue;
    any = true;
    const int a = static_cast<int>(i);
    o.ratification = setup.param(a, "domestic.ratification", agent.domestic->ratification);
    for (const Cap& c : agent.domestic->caps) {
      const std::string at = "domestic.caps." + s.issues[c.issue.index].name;
      const int issue = static_cast<int>(c.issue.index);
      if (c.max) o.cap[c.issue.index] = setup.param(a, at, *c.max, issue);
      if (c.min) o.floor[c.issue.index] = setup.param(a, at + ".min", *c.min, issue);
    }
  }
  if (any) {
    trust_shock_ =
        setup.param(-1, "events.ratification.trust_shock", s.events.ratification_trust_shock);
  }
  stream_ = setup.stream(Purpose::ratification);
  passed_ = setup.event("ratification_passed", "{agent}'s legislature ratifies");
  failed_ = setup.event("ratification_failed", "{agent}'s legislature rejects the deal");
  phased_ =
      setup.event("phased_relief", "relief to be phased: the caps bind the texts from now on");
  stepping_stones_ = Implementation::stepping_stones(s);
  if (stepping_stones_) {
    interim_in_force_ = setup.event("interim_in_force",
                                    "the interim deal takes effect; talks on a full deal go on");
  }
}

bool Decision::ratify(Run& run, const IssueVec& x, const IssueMask& settles) const {
  Talks& t = run.talks;
  const bool phase = run.scenario().events.ratification_failure == RatificationFailure::phase;
  Rng& rng = run.stream(stream_);
  bool failed = false;
  for (std::size_t i : run.negotiation().principals()) {
    const Own& o = own_[i];
    auto cap = [&](std::size_t k) { return run.param_or(o.cap[k], kNoCap); };
    auto floor = [&](std::size_t k) { return run.param_or(o.floor[k], kNoFloor); };
    // Like red lines, caps bind what the text settles: leaving an issue at
    // the status quo needs no legislature. A text beyond a ceiling or short
    // of a floor needs ratification.
    auto beyond = [&](std::size_t k) {
      return settles[k] && (x[k] > cap(k) + kCapSlack || x[k] < floor(k) - kCapSlack);
    };
    bool over = false;
    for (std::size_t k = 0; k < t.n_issues; ++k) over |= beyond(k);
    if (!over) continue;
    if (rng.bernoulli(run.param_or(o.ratification, 1))) {
      run.record(passed_, static_cast<int>(i));
      continue;
    }
    run.record(failed_, static_cast<int>(i));
    failed = true;
    // The others' trust in the principal whose legislature said no.
    shock_trust(t, run.negotiation().principals(), static_cast<int>(i),
                run.param_or(trust_shock_, 0));
    if (phase) {
      for (std::size_t k = 0; k < t.n_issues; ++k) {
        if (!beyond(k)) continue;
        if (x[k] > cap(k) + kCapSlack) {
          t.full.hi[k] = std::min(t.full.hi[k], cap(k));
          t.interim.hi[k] = std::min(t.interim.hi[k], cap(k));
        } else {
          t.full.lo[k] = std::max(t.full.lo[k], floor(k));
          t.interim.lo[k] = std::max(t.interim.lo[k], floor(k));
        }
      }
    }
  }
  if (!failed) return true;
  if (phase && !t.phased) {
    t.phased = true;
    run.record(phased_, -1);
  }
  return false;
}

void Decision::step(Run& run) const {
  Talks& t = run.talks;
  // The full text first, then the interim one (Putnam 1988 for ratification).
  if (decides(run, t.accepts_full, t.full.settles)) {
    if (ratify(run, t.full_text, t.full.settles)) {
      run.end(Outcome::full_deal, kNoCause, -1, &t.full_text);
    }
  } else if (t.has_interim && decides(run, t.accepts_interim, t.interim.settles)) {
    if (!ratify(run, t.interim_text, t.interim.settles)) return;
    if (!stepping_stones_) {
      run.end(Outcome::interim_deal, kNoCause, -1, &t.interim_text);
      return;
    }
    // A stepping stone (docs/MODEL.md §6.7): the interim deal holds from
    // now on, and no deal now means keeping it, so no principal settles
    // for a full text it values below the interim one.
    t.interim_round = t.round;
    t.interim_terms = t.interim_text;
    t.interim_phased = t.phased;
    t.has_interim = false;
    for (std::size_t i : run.negotiation().principals()) {
      t.reservation[i] = std::max(t.reservation[i], t.value_interim[i]);
      t.aspiration[i] = std::max(t.aspiration[i], t.reservation[i]);
    }
    run.record(interim_in_force_, -1);
  }
}

}  // namespace negsim::model
