#include "negsim/mechanisms/domestic.hpp"

#include <algorithm>

namespace negsim::model {

void Domestic::declare(Setup& setup) {
  const Scenario& s = setup.scenario();
  own_.assign(s.agents.size(), Own{});
  for (Own& o : own_) o.successor.fill(kNoParam);
  bool any = false;
  for (std::size_t i : setup.negotiation().principals()) {
    const Agent& agent = s.agents[i];
    if (!agent.domestic) continue;
    any = true;
    const int a = static_cast<int>(i);
    own_[i].pressure = setup.param(a, "domestic.pressure", agent.domestic->pressure);
    own_[i].unrest = setup.param(a, "domestic.unrest", agent.domestic->unrest);
    own_[i].leadership = setup.param(a, "domestic.leadership", agent.domestic->leadership);
    for (const auto& [issue, position] : agent.domestic->successor) {
      own_[i].successor[issue.index] = setup.param(a, "domestic.successor." + issue.name, position,
                                                   static_cast<int>(issue.index));
    }
  }
  if (any) {
    unrest_pressure_ = setup.param(-1, "events.unrest.pressure", s.events.unrest_pressure);
    leadership_shift_ = setup.param(-1, "events.leadership.shift", s.events.leadership_shift);
  }
  stream_ = setup.stream(Purpose::domestic);
  unrest_ = setup.event("unrest", "unrest in {agent}");
  leadership_change_ = setup.event("leadership_change", "leadership change in {agent}");
}

void Domestic::start(Run& run) const {
  for (std::size_t i : run.negotiation().principals()) {
    run.talks.pressure[i] = run.param_or(own_[i].pressure, 0);
  }
}

void Domestic::step(Run& run) const {
  Talks& t = run.talks;
  Rng& rng = run.stream(stream_);
  // Every principal takes its two draws, hazard or not, so one principal's
  // hazards never move another's shocks.
  for (std::size_t i : run.negotiation().principals()) {
    if (rng.bernoulli(run.param_or(own_[i].unrest, 0))) {
      t.pressure[i] = std::min(1.0, t.pressure[i] + run.param_or(unrest_pressure_, 0));
      run.record(unrest_, static_cast<int>(i));
    }
    if (rng.bernoulli(run.param_or(own_[i].leadership, 0))) {
      const double shift = run.param_or(leadership_shift_, 0);
      for (std::size_t k = 0; k < t.n_issues; ++k) {
        if (t.salience[i][k] == 0) continue;
        // A named successor's position, or a random step (docs/MODEL.md §6.4).
        const ParamId to = own_[i].successor[k];
        const double moved = to != kNoParam ? run.param(to) : t.base[i][k] + shift * rng.normal();
        t.base[i][k] = std::clamp(moved, t.red_lo[i][k], t.red_hi[i][k]);
      }
      run.record(leadership_change_, static_cast<int>(i));
    }
  }
}

}  // namespace negsim::model
