#include "negsim/mechanisms/agents.hpp"

#include <algorithm>

namespace negsim::model {

void Agents::declare(Setup& setup) {
  const Scenario& s = setup.scenario();
  own_.assign(s.agents.size(), Own{});
  for (std::size_t a = 0; a < s.agents.size(); ++a) {
    const Agent& agent = s.agents[a];
    Own& o = own_[a];
    o.ideal.fill(kNoParam);
    o.salience.fill(kNoParam);
    o.red_lo.fill(kNoParam);
    o.red_hi.fill(kNoParam);
    o.trust_in.fill(kNoParam);
    if (agent.role == Role::mediator) continue;  // a mediator drafts; it has no stake
    const int i = static_cast<int>(a);
    o.capability = setup.param(i, "capability", agent.capability);
    o.risk = setup.param(i, "risk", agent.risk);
    if (agent.role == Role::principal && agent.reservation_of) {
      // The reservation is the utility of the status quo or of a named
      // text, plus an offset (docs/MODEL.md §1.5).
      o.reservation = setup.param(i, "reservation.plus", agent.reservation_of->plus);
      o.anchored = true;
      o.anchor = setup.negotiation().status_quo();
      if (const auto& text = agent.reservation_of->text) {
        const NamedText& named = s.texts[text->index];
        for (std::size_t k = 0; k < s.issues.size(); ++k) {
          if (named.values[k]) o.anchor[k] = setup.negotiation().to_unit(k, *named.values[k]);
        }
      }
    } else if (agent.role == Role::principal) {
      o.reservation = setup.param(i, "reservation", agent.reservation);
    }
    if (agent.role == Role::principal) {
      o.trust = setup.param(i, "trust", agent.trust);
      for (const TrustIn& p : agent.trust_in) {
        o.trust_in[p.of.index] = setup.param(i, "trust_in." + p.of.name, p.value);
      }
    }
    for (std::size_t k = 0; k < s.issues.size(); ++k) {
      const int issue = static_cast<int>(k);
      // No ideal on an issue: no position there, and no weight.
      if (!agent.ideal[k]) continue;
      o.ideal[k] = setup.param(i, "ideal." + s.issues[k].name, *agent.ideal[k], issue);
      o.salience[k] = setup.param(i, "salience." + s.issues[k].name, agent.salience[k]);
    }
    if (agent.role != Role::principal) continue;
    for (std::size_t k = 0; k < s.issues.size(); ++k) {
      const RedLine& line = agent.red_lines[k];
      const std::string at = "red_lines." + s.issues[k].name;
      if (line.min) o.red_lo[k] = setup.param(i, at + ".min", *line.min, static_cast<int>(k));
      if (line.max) o.red_hi[k] = setup.param(i, at + ".max", *line.max, static_cast<int>(k));
    }
  }
}

void Agents::start(Run& run) const {
  Talks& t = run.talks;
  for (std::size_t a = 0; a < t.n_agents; ++a) {
    const Own& o = own_[a];
    t.capability[a] = run.param_or(o.capability, 0);
    t.risk[a] = run.param_or(o.risk, 1);
    t.reservation[a] = run.param_or(o.reservation, 0);
    t.trust[a] = run.param_or(o.trust, 0);
    for (std::size_t j = 0; j < t.n_agents; ++j) {
      t.trust_in[a][j] = run.param_or(o.trust_in[j], t.trust[a]);
    }
    t.pressure[a] = 0;
    t.aspiration[a] = 1.0;  // aspirations start at the best imaginable text
    double total = 0;
    for (std::size_t k = 0; k < t.n_issues; ++k) {
      t.base[a][k] = run.param_or(o.ideal[k], 0);
      t.salience[a][k] = o.ideal[k] == kNoParam ? 0 : run.param(o.salience[k]);
      total += t.salience[a][k];
      t.red_lo[a][k] = run.param_or(o.red_lo[k], 0.0);
      t.red_hi[a][k] = run.param_or(o.red_hi[k], 1.0);
    }
    if (total > 0) {
      for (std::size_t k = 0; k < t.n_issues; ++k) t.salience[a][k] /= total;
    }
    t.position[a] = t.base[a];
    if (o.anchored) {
      t.reservation[a] =
          std::clamp(utility(t.own(a), o.anchor, t.n_issues) + t.reservation[a], 0.0, 1.0);
    }
  }
  average_trust(t, run.negotiation().principals());
}

}  // namespace negsim::model
