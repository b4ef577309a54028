#include "negsim/mechanisms/concession.hpp"

#include <algorithm>

namespace negsim::model {

void Concession::declare(Setup& setup) {
  const Scenario& s = setup.scenario();
  rate_.assign(s.agents.size(), kNoParam);
  for (std::size_t i : setup.negotiation().principals()) {
    rate_[i] = setup.param(static_cast<int>(i), "concession", s.agents[i].concession);
  }
  trust_gain_ = setup.param(-1, "protocol.trust_gain", s.protocol.trust_gain);
  pace_ = setup.field("concession_pace", "concession pace");
}

void Concession::step(Run& run) const {
  // Zeuthen 1930; Cross 1965: aspirations decay toward the reservation,
  // faster under pressure, slower under mistrust. Trust grows when every
  // principal concedes (reciprocity, Kydd 2006).
  Talks& t = run.talks;
  const auto& principals = run.negotiation().principals();
  bool all_conceded = true;
  for (std::size_t i : principals) {
    const double trust_pace = kMistrustPace + (1 - kMistrustPace) * t.trust[i];
    const double pace = std::min(1.0, run.param(rate_[i]) * (1 + t.pressure[i]) * trust_pace);
    run.trace(pace_, static_cast<int>(i), pace);
    const double next = t.reservation[i] + (t.aspiration[i] - t.reservation[i]) * (1 - pace);
    all_conceded &= t.aspiration[i] - next > kConceded;
    t.aspiration[i] = next;
  }
  if (all_conceded) {
    const double gain = run.param(trust_gain_);
    for (std::size_t i : principals) t.trust[i] += gain * (1 - t.trust[i]);
  }
}

}  // namespace negsim::model
