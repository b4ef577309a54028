#include "negsim/mechanisms/walkout.hpp"

#include <algorithm>
#include <cmath>

namespace negsim::model {

void Walkout::declare(Setup& setup) {
  const Scenario& s = setup.scenario();
  patience_ = setup.param(-1, "protocol.walkout.patience", s.protocol.walkout_patience, -1, true);
  hazard_ = setup.param(-1, "protocol.walkout.hazard", s.protocol.walkout_hazard);
  stream_ = setup.stream(Purpose::walkout);
  cause_ = setup.cause("walkout");
  walkout_ = setup.event("walkout", "{agent} walks out", cause_);
  without_text_ =
      setup.field("rounds_without_text", "rounds without an acceptable text", FieldKind::number, 0);
  state_ = setup.state<State>();
}

void Walkout::start(Run& run) const { run.state<State>(state_) = State{}; }

void Walkout::step(Run& run) const {
  Talks& t = run.talks;
  State& st = run.state<State>(state_);
  const int patience = std::max(1, static_cast<int>(run.param(patience_)));
  Rng& rng = run.stream(stream_);
  // With an interim deal in force the principals stay in its framework.
  if (t.interim_round > 0) return;
  for (std::size_t i : run.negotiation().principals()) {
    int& without = st.without_text[i];
    without = (t.accepts_full[i] || t.accepts_interim[i]) ? 0 : without + 1;
    run.trace(without_text_, static_cast<int>(i), without);
    if (t.aspiration[i] - t.reservation[i] > kAtReservation) continue;
    if (without < patience) continue;
    if (rng.bernoulli(run.param(hazard_))) {
      run.record(walkout_, static_cast<int>(i));
      run.end(Outcome::breakdown, cause_, static_cast<int>(i));
      return;
    }
  }
}

}  // namespace negsim::model
