#include "negsim/mechanisms/trust.hpp"

#include <algorithm>

namespace negsim::model {

std::vector<ExtensionBlock> Trust::extensions() {
  ExtensionBlock b;
  b.name = "trust";
  b.doc = "how trust between the principals grows";
  b.fields = {
      ExtensionField::number("signal", 0, 100, 1,
                             "what a concession made alone counts, against one that answers the "
                             "other's in full"),
  };
  return {b};
}

void Trust::declare(Setup& setup) {
  const Scenario& s = setup.scenario();
  gain_ = setup.param(-1, "protocol.trust_gain", s.protocol.trust_gain);
  const Param* signal = s.extension(-1, "trust", "signal");
  signal_ = setup.param(-1, "mechanisms.trust.signal",
                        signal ? *signal : extensions().front().default_of("signal"));
}

void Trust::step(Run& run) const {
  // Reciprocity (Axelrod 1984; Kydd 2000): i's trust in j grows by
  // g * rho * (1 - trust) when j conceded this round, where rho is the
  // share of i's own concession that j's answered (at most 1), or the
  // signal weight when i did not concede (j moved alone: a costly signal).
  Talks& t = run.talks;
  const auto& principals = run.negotiation().principals();
  const double gain = run.param(gain_), signal = run.param(signal_);
  for (std::size_t i : principals) {
    for (std::size_t j : principals) {
      if (j == i || t.conceded[j] <= kConceded) continue;
      const double answered =
          t.conceded[i] > kConceded ? std::min(1.0, t.conceded[j] / t.conceded[i]) : signal;
      t.trust_in[i][j] += std::min(1.0, gain * answered) * (1 - t.trust_in[i][j]);
    }
  }
  average_trust(t, principals);
}

}  // namespace negsim::model
