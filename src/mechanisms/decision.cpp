#include "negsim/mechanisms/decision.hpp"

#include <algorithm>

namespace negsim::model {

void Decision::declare(Setup& setup) {
  const Scenario& s = setup.scenario();
  own_.assign(s.agents.size(), Own{});
  bool any = false;
  for (std::size_t i : setup.negotiation().principals()) {
    Own& o = own_[i];
    o.cap.fill(kNoParam);
    const Agent& agent = s.agents[i];
    if (!agent.domestic) continue;
    any = true;
    const int a = static_cast<int>(i);
    o.ratification = setup.param(a, "domestic.ratification", agent.domestic->ratification);
    for (const Cap& c : agent.domestic->caps) {
      o.cap[c.issue.index] = setup.param(a, "domestic.caps." + s.issues[c.issue.index].name, c.max,
                                         static_cast<int>(c.issue.index));
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
}

bool Decision::ratify(Run& run, const IssueVec& x, const IssueMask& settles) const {
  Talks& t = run.talks;
  const bool phase = run.scenario().events.ratification_failure == RatificationFailure::phase;
  Rng& rng = run.stream(stream_);
  bool failed = false;
  for (std::size_t i : run.negotiation().principals()) {
    const Own& o = own_[i];
    auto cap = [&](std::size_t k) { return run.param_or(o.cap[k], kNoCap); };
    // Like red lines, caps bind what the text settles: leaving an issue at
    // the status quo needs no legislature.
    bool over = false;
    for (std::size_t k = 0; k < t.n_issues; ++k) over |= settles[k] && x[k] > cap(k) + kCapSlack;
    if (!over) continue;
    if (rng.bernoulli(run.param_or(o.ratification, 1))) {
      run.record(passed_, static_cast<int>(i));
      continue;
    }
    run.record(failed_, static_cast<int>(i));
    failed = true;
    if (phase) {
      for (std::size_t k = 0; k < t.n_issues; ++k) {
        if (!settles[k] || x[k] <= cap(k) + kCapSlack) continue;
        t.full.hi[k] = std::min(t.full.hi[k], cap(k));
        t.interim.hi[k] = std::min(t.interim.hi[k], cap(k));
      }
    }
  }
  if (!failed) return true;
  for (std::size_t i : run.negotiation().principals()) {
    t.trust[i] *= 1 - run.param_or(trust_shock_, 0);
  }
  if (phase && !t.phased) {
    t.phased = true;
    run.record(phased_, -1);
  }
  return false;
}

void Decision::step(Run& run) const {
  Talks& t = run.talks;
  // The full text first, then the interim one (Putnam 1988 for ratification).
  if (t.all_full) {
    if (ratify(run, t.full_text, t.full.settles)) {
      run.end(Outcome::full_deal, kNoCause, -1, &t.full_text);
    }
  } else if (t.all_interim) {
    if (ratify(run, t.interim_text, t.interim.settles)) {
      run.end(Outcome::interim_deal, kNoCause, -1, &t.interim_text);
    }
  }
}

}  // namespace negsim::model
