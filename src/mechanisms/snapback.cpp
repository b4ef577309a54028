#include "negsim/mechanisms/snapback.hpp"

#include <algorithm>

namespace negsim::model {

void Snapback::declare(Setup& setup) {
  const Scenario& s = setup.scenario();
  for (std::size_t e : setup.negotiation().enforcers()) {
    const Agent& agent = s.agents[e];
    if (!agent.snapback) continue;
    const int a = static_cast<int>(e);
    enforcers_.push_back(
        Own{e, agent.snapback->target.index,
            setup.param(a, "snapback.deadline", agent.snapback->deadline, -1, true),
            setup.param(a, "snapback.progress_below", agent.snapback->progress_below)});
  }
  if (!enforcers_.empty()) {
    reservation_drop_ =
        setup.param(-1, "events.snapback.reservation_drop", s.events.snapback_reservation_drop);
    walkout_hazard_ =
        setup.param(-1, "events.snapback.walkout_hazard", s.events.snapback_walkout_hazard);
  }
  stream_ = setup.stream(Purpose::snapback);
  cause_ = setup.cause("snapback");
  snapback_ = setup.event("snapback", "{agent} triggers snapback");
  walkout_ = setup.event("snapback_walkout", "{agent} walks out after the snapback", cause_);
  state_ = setup.state<State>();
}

void Snapback::start(Run& run) const { run.state<State>(state_) = State{}; }

void Snapback::step(Run& run) const {
  Talks& t = run.talks;
  State& st = run.state<State>(state_);
  // An interim deal in force is progress: no snapback while it holds.
  if (t.interim_round > 0) return;
  // Once the deadline's rounds have passed, an enforcer that sees too
  // little progress restores the target's sanctions.
  for (const Own& o : enforcers_) {
    if (st.judged[o.agent] || t.round != static_cast<int>(run.param(o.deadline)) + 1) continue;
    st.judged[o.agent] = true;
    if (t.progress >= run.param(o.progress_below)) continue;
    t.reservation[o.target] = std::max(0.0, t.reservation[o.target] - run.param(reservation_drop_));
    st.walkout_hazard[o.target] += run.param(walkout_hazard_);
    run.record(snapback_, static_cast<int>(o.agent));
  }
  Rng& rng = run.stream(stream_);
  for (std::size_t i : run.negotiation().principals()) {
    if (st.walkout_hazard[i] > 0 && rng.bernoulli(st.walkout_hazard[i])) {
      run.record(walkout_, static_cast<int>(i));
      run.end(Outcome::breakdown, cause_, static_cast<int>(i));
      return;
    }
  }
}

}  // namespace negsim::model
