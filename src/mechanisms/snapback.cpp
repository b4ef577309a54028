#include "negsim/mechanisms/snapback.hpp"

#include <algorithm>

namespace negsim::model {

void Snapback::declare(Setup& setup) {
  const Scenario& s = setup.scenario();
  bool single = false;
  for (std::size_t e : setup.negotiation().enforcers()) {
    const Agent& agent = s.agents[e];
    if (!agent.snapback) continue;
    const int a = static_cast<int>(e);
    enforcers_.push_back(
        Own{e,
            setup.param(a, "snapback.deadline", agent.snapback->deadline, -1, true),
            setup.param(a, "snapback.progress_below", agent.snapback->progress_below),
            {}});
    single |= agent.snapback->targets.empty();
  }
  // One target: the sizes of events.snapback (drawn once for the talks).
  if (single) {
    reservation_drop_ =
        setup.param(-1, "events.snapback.reservation_drop", s.events.snapback_reservation_drop);
    walkout_hazard_ =
        setup.param(-1, "events.snapback.walkout_hazard", s.events.snapback_walkout_hazard);
  }
  std::size_t next = 0;
  for (std::size_t e : setup.negotiation().enforcers()) {
    const Agent& agent = s.agents[e];
    if (!agent.snapback) continue;
    Own& o = enforcers_[next++];
    if (agent.snapback->targets.empty()) {
      o.effects.push_back(
          Effect{agent.snapback->target.index, reservation_drop_, walkout_hazard_, kNoParam});
      continue;
    }
    const int a = static_cast<int>(e);
    for (const SnapbackTarget& st : agent.snapback->targets) {
      const std::string at = "snapback.targets." + st.target.name + ".";
      auto param = [&](const std::optional<Param>& p, const char* name) {
        return p ? setup.param(a, at + name, *p) : kNoParam;
      };
      o.effects.push_back(Effect{st.target.index, param(st.reservation_drop, "reservation_drop"),
                                 param(st.walkout_hazard, "walkout_hazard"),
                                 param(st.pressure, "pressure")});
    }
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
    for (const Effect& e : o.effects) {
      if (e.reservation_drop != kNoParam) {
        t.reservation[e.target] =
            std::max(0.0, t.reservation[e.target] - run.param(e.reservation_drop));
      }
      if (e.walkout_hazard != kNoParam) st.walkout_hazard[e.target] += run.param(e.walkout_hazard);
      if (e.pressure != kNoParam) {
        t.pressure[e.target] = std::min(1.0, t.pressure[e.target] + run.param(e.pressure));
      }
    }
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
