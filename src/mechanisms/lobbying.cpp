#include "negsim/mechanisms/lobbying.hpp"

#include <algorithm>

namespace negsim::model {

void Lobbying::declare(Setup& setup) {
  const Scenario& s = setup.scenario();
  for (std::size_t j = 0; j < s.agents.size(); ++j) {
    const Agent& agent = s.agents[j];
    // Spoilers and enforcers lobby; so may a principal (more than one role).
    if (agent.role == Role::mediator) continue;
    for (std::size_t b = 0; b < s.agents.size(); ++b) {
      const Influence* inf = nullptr;
      for (const Influence& i : agent.influence) {
        if (i.target.index == b) inf = &i;
      }
      if (!inf) continue;
      lobbies_.push_back(Lobby{
          j, b, setup.param(static_cast<int>(j), "influence." + s.agents[b].name, inf->weight)});
    }
  }
  position_ = setup.field("position", "position", FieldKind::issue_value);
}

void Lobbying::step(Run& run) const {
  Talks& t = run.talks;
  for (std::size_t i : run.negotiation().principals()) {
    IssueVec target = t.base[i];
    for (std::size_t k = 0; k < t.n_issues; ++k) {
      double pull = 0, total = 0;
      for (const Lobby& l : lobbies_) {
        if (l.target != i || t.salience[l.lobbyist][k] == 0) continue;
        const double w = run.param(l.weight);
        pull += w * (t.base[l.lobbyist][k] - t.base[i][k]);
        total += w;
      }
      if (total > 1) pull /= total;  // weights share at most the whole distance
      target[k] = t.base[i][k] + pull;
    }
    for (std::size_t k = 0; k < t.n_issues; ++k) {
      t.position[i][k] += kPace * (target[k] - t.position[i][k]);
      t.position[i][k] = std::clamp(t.position[i][k], t.red_lo[i][k], t.red_hi[i][k]);
    }
    // The working position of a principal someone lobbies, on the issues it
    // cares about: where lobbying has moved it (its own ideal is in the draws).
    if (run.tracing() && std::any_of(lobbies_.begin(), lobbies_.end(),
                                     [&](const Lobby& l) { return l.target == i; })) {
      IssueMask cares{};
      for (std::size_t k = 0; k < t.n_issues; ++k) cares[k] = t.salience[i][k] != 0;
      run.trace_issues(position_, static_cast<int>(i), t.position[i], &cares);
    }
  }
}

}  // namespace negsim::model
