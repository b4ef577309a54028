#include "negsim/mechanisms/implementation.hpp"

#include <algorithm>

namespace negsim::model {

namespace {
constexpr const char* kBlock = "implementation";
}  // namespace

std::vector<ExtensionBlock> Implementation::extensions() {
  ExtensionBlock b;
  b.name = kBlock;
  b.doc = "what happens after an interim deal";
  b.fields = {
      ExtensionField::choice("interim", {"stepping_stone", "final"},
                             "stepping_stone (talks on a full deal go on) or final (the interim "
                             "deal ends the run)"),
      ExtensionField::number("breach", 0, 1, 0.02,
                             "a principal's weekly hazard of breaking the interim deal at no trust "
                             "and no pressure"),
      ExtensionField::number("contagion", 0, 100, 1,
                             "how much each breach by another raises the hazard"),
      ExtensionField::number("ends", 0, 1, 0.5, "the chance a breach ends the talks"),
      ExtensionField::number("trust_shock", 0, 1, 0.3,
                             "the share of the others' trust in the breacher a breach costs"),
      ExtensionField::number("verification", 0, 1, 0.05,
                             "the share of the others' distrust a round of kept terms removes"),
  };
  return {b};
}

bool Implementation::stepping_stones(const Scenario& s) {
  if (s.deals.interim.empty()) return false;
  const ExtensionValue* mode = s.extension_value(-1, kBlock, "interim");
  return !mode || mode->word != "final";
}

void Implementation::declare(Setup& setup) {
  const Scenario& s = setup.scenario();
  active_ = stepping_stones(s);
  if (!active_) return;
  const ExtensionBlock declared = extensions().front();
  auto field = [&](const char* name) {
    const Param* p = s.extension(-1, kBlock, name);
    return setup.param(-1, std::string("mechanisms.implementation.") + name,
                       p ? *p : declared.default_of(name));
  };
  breach_ = field("breach");
  contagion_ = field("contagion");
  ends_ = field("ends");
  shock_ = field("trust_shock");
  verification_ = field("verification");
  stream_ = setup.stream();
  reneged_ = setup.cause("reneged");
  breach_event_ = setup.event("breach", "{agent} breaks the interim deal");
  hazard_ = setup.field("breach_hazard", "breach hazard");
}

void Implementation::step(Run& run) const {
  Talks& t = run.talks;
  // From the round after the interim deal took effect.
  if (!active_ || t.interim_round == 0 || t.round <= t.interim_round) return;
  const auto& principals = run.negotiation().principals();
  Rng& rng = run.stream(stream_);
  int total = 0;
  for (std::size_t i : principals) total += t.breaches[i];
  std::array<bool, kMaxAgents> broke{};
  for (std::size_t i : principals) {
    // h = b (1 - trust) (1 + pressure) (1 + c * breaches by the others so
    // far) (Fearon 1995; Axelrod 1984 on answering defection).
    const double others = total - t.breaches[i];
    const double hazard =
        std::min(1.0, run.param(breach_) * (1 - t.trust[i]) * (1 + t.pressure[i]) *
                          (1 + run.param(contagion_) * others));
    run.trace(hazard_, static_cast<int>(i), hazard);
    if (!rng.bernoulli(hazard)) continue;
    broke[i] = true;
    ++t.breaches[i];
    run.record(breach_event_, static_cast<int>(i));
    shock_trust(t, principals, static_cast<int>(i), run.param(shock_));
    if (rng.bernoulli(run.param(ends_))) {
      run.end(Outcome::breakdown, reneged_, static_cast<int>(i));
      return;
    }
  }
  // Verified compliance: each principal that kept the terms this round
  // gains the others' trust.
  const double v = run.param(verification_);
  for (std::size_t j : principals) {
    if (broke[j]) continue;
    for (std::size_t i : principals) {
      if (i != j) t.trust_in[i][j] += v * (1 - t.trust_in[i][j]);
    }
  }
  average_trust(t, principals);
}

}  // namespace negsim::model
