#include "negsim/mechanisms/strikes.hpp"

#include <algorithm>
#include <cmath>

namespace negsim::model {

void Strikes::declare(Setup& setup) {
  const Scenario& s = setup.scenario();
  // Spoilers strike; so may a principal that holds that role too (a party
  // at the table that hedges with force).
  for (std::size_t j = 0; j < s.agents.size(); ++j) {
    const Agent& agent = s.agents[j];
    if (!agent.strike || agent.role == Role::mediator) continue;
    const int a = static_cast<int>(j);
    strikers_.push_back(Own{j, setup.param(a, "strike.base", agent.strike->base),
                            setup.param(a, "strike.sensitivity", agent.strike->sensitivity),
                            setup.param(a, "strike.breakdown", agent.strike->breakdown)});
  }
  if (!strikers_.empty()) {
    trust_shock_ = setup.param(-1, "events.strike.trust_shock", s.events.strike_trust_shock);
  }
  stream_ = setup.stream(Purpose::strike);
  cause_ = setup.cause("strike");
  strike_ = setup.event("strike", "{agent} strikes");
  hazard_ = setup.field("strike_hazard", "strike hazard");
}

void Strikes::step(Run& run) const {
  Talks& t = run.talks;
  Rng& rng = run.stream(stream_);
  for (const Own& o : strikers_) {
    const std::size_t j = o.agent;
    double distance = 0;
    for (std::size_t k = 0; k < t.n_issues; ++k) {
      distance += t.salience[j][k] * std::fabs(t.full_text[k] - t.base[j][k]);
    }
    const double hazard =
        std::min(1.0, run.param(o.base) * (1 + run.param(o.sensitivity) * (t.progress + distance)));
    run.trace(hazard_, static_cast<int>(j), hazard);
    if (!rng.bernoulli(hazard)) continue;
    run.record(strike_, static_cast<int>(j));
    // A principal that strikes loses the others' trust in it; a spoiler's
    // strike cuts every principal's trust in every other.
    const bool principal = run.scenario().agents[j].role == Role::principal;
    shock_trust(t, run.negotiation().principals(), principal ? static_cast<int>(j) : -1,
                run.param(trust_shock_));
    if (rng.bernoulli(run.param(o.breakdown))) {
      run.end(Outcome::breakdown, cause_, static_cast<int>(j));
      return;
    }
  }
}

}  // namespace negsim::model
