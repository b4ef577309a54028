#include "negsim/mechanisms/strikes.hpp"

#include <algorithm>
#include <cmath>

namespace negsim::model {

namespace {

/// A parameter of the strike block that the file may leave at 0: drawn only
/// when it is not the constant 0, so that leaving it out moves no draw.
ParamId optional_param(Setup& setup, int agent, const char* name, const Param& source) {
  if (source.is_constant() && source.value() == 0) return kNoParam;
  return setup.param(agent, name, source);
}

}  // namespace

void Strikes::declare(Setup& setup) {
  const Scenario& s = setup.scenario();
  // Spoilers strike; so may a principal that holds that role too (a party
  // at the table that hedges with force).
  bool principal_strikes = false;
  for (std::size_t j = 0; j < s.agents.size(); ++j) {
    const Agent& agent = s.agents[j];
    if (!agent.strike || agent.role == Role::mediator) continue;
    const int a = static_cast<int>(j);
    Own o{j, agent.role == Role::principal, setup.param(a, "strike.base", agent.strike->base),
          setup.param(a, "strike.sensitivity", agent.strike->sensitivity),
          setup.param(a, "strike.breakdown", agent.strike->breakdown)};
    o.after_deadline =
        optional_param(setup, a, "strike.after_deadline", agent.strike->after_deadline);
    o.drawn_in = optional_param(setup, a, "strike.drawn_in", agent.strike->drawn_in);
    o.red_lines = optional_param(setup, a, "strike.red_lines", agent.strike->red_lines);
    o.counter = optional_param(setup, a, "strike.counter", agent.strike->counter);
    counters_ |= o.counter != kNoParam;
    principal_strikes |= o.principal;
    strikers_.push_back(o);
  }
  if (!strikers_.empty()) {
    trust_shock_ = setup.param(-1, "events.strike.trust_shock", s.events.strike_trust_shock);
  }
  stream_ = setup.stream(Purpose::strike);
  cause_ = setup.cause("strike");
  // A principal's use of force that ends the talks has its own cause.
  if (principal_strikes) force_ = setup.cause("force");
  strike_ = setup.event("strike", "{agent} strikes");
  if (counters_) counter_ = setup.event("counter_strike", "{agent} strikes back");
  hazard_ = setup.field("strike_hazard", "strike hazard");
  state_ = setup.state<State>();
}

void Strikes::start(Run& run) const { run.state<State>(state_) = State{}; }

bool Strikes::strike(Run& run, const Own& o, EventKind kind) const {
  Talks& t = run.talks;
  State& st = run.state<State>(state_);
  const int j = static_cast<int>(o.agent);
  run.record(kind, j);
  ++st.strikes;
  ++st.by[o.agent];
  // A principal that strikes loses the others' trust in it; a spoiler's
  // strike cuts every principal's trust in every other.
  shock_trust(t, run.negotiation().principals(), o.principal ? j : -1, run.param(trust_shock_));
  if (!run.stream(stream_).bernoulli(run.param(o.breakdown))) return false;
  run.end(Outcome::breakdown, o.principal ? force_ : cause_, j);
  return true;
}

void Strikes::step(Run& run) const {
  Talks& t = run.talks;
  Rng& rng = run.stream(stream_);
  State& st = run.state<State>(state_);
  for (const Own& o : strikers_) {
    const std::size_t j = o.agent;
    double distance = 0, outside = 0;
    for (std::size_t k = 0; k < t.n_issues; ++k) {
      distance += t.salience[j][k] * std::fabs(t.full_text[k] - t.base[j][k]);
      // How far the text lies outside the agent's red lines (principals).
      const double x = t.full_text[k];
      outside += t.salience[j][k] * std::max({0.0, t.red_lo[j][k] - x, x - t.red_hi[j][k]});
    }
    double hazard =
        std::min(1.0, run.param(o.base) * (1 + run.param(o.sensitivity) * (t.progress + distance)));
    // Escalation (docs/MODEL.md §6.1): past its own deadline, drawn in by
    // another's strike, and as the text strays from its red lines.
    if (o.after_deadline != kNoParam && t.deadline[j] > 0 && t.round > t.deadline[j]) {
      hazard = std::min(1.0, hazard * (1 + run.param(o.after_deadline)));
    }
    if (o.drawn_in != kNoParam && st.strikes > st.by[j]) {
      hazard = std::min(1.0, hazard * (1 + run.param(o.drawn_in)));
    }
    if (o.red_lines != kNoParam && o.principal) {
      hazard = std::min(1.0, hazard * (1 + run.param(o.red_lines) * outside));
    }
    run.trace(hazard_, static_cast<int>(j), hazard);
    if (!rng.bernoulli(hazard)) continue;
    if (strike(run, o, strike_)) return;
    // Counter-strikes: every other agent with a counter answers in turn.
    if (!counters_) continue;
    for (const Own& c : strikers_) {
      if (c.agent == j || c.counter == kNoParam) continue;
      if (!rng.bernoulli(run.param(c.counter))) continue;
      if (strike(run, c, counter_)) return;
    }
  }
}

}  // namespace negsim::model
