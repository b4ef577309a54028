#include "negsim/mechanisms/coercion.hpp"

#include <algorithm>

namespace negsim::model {

namespace {
constexpr const char* kBlock = "coercion";
}  // namespace

std::vector<ExtensionBlock> Coercion::extensions() {
  ExtensionBlock b;
  b.name = kBlock;
  b.roles = {Role::principal, Role::spoiler, Role::enforcer};
  b.doc = "coercion short of force";
  b.fields = {
      ExtensionField::principal("target", "the principal coerced"),
      ExtensionField::number("hazard", 0, 1, 0.1, "the chance of a coercive act in a round"),
      ExtensionField::number("pressure", 0, 1, 0.05, "what each act adds to the target's pressure"),
      ExtensionField::number("trust_shock", 0, 1, 0.1,
                             "the share of the target's trust in the coercer each act costs"),
  };
  return {b};
}

void Coercion::declare(Setup& setup) {
  const Scenario& s = setup.scenario();
  for (std::size_t a = 0; a < s.agents.size(); ++a) {
    const int i = static_cast<int>(a);
    const ExtensionValue* target = s.extension_value(i, kBlock, "target");
    if (!target) continue;
    const std::string at = std::string(kBlock) + ".";
    coercers_.push_back(Own{
        a, target->agent.index, setup.param(i, at + "hazard", *s.extension(i, kBlock, "hazard")),
        setup.param(i, at + "pressure", *s.extension(i, kBlock, "pressure")),
        setup.param(i, at + "trust_shock", *s.extension(i, kBlock, "trust_shock"))});
  }
  stream_ = setup.stream();
  coerces_ = setup.event("coercion", "{agent} coerces");
}

void Coercion::step(Run& run) const {
  // Each coercer, in agent order, acts with its hazard (one trial each):
  // the target's pressure rises (capped at 1), and a principal coercer
  // loses a share of the target's trust in it. Iran's foreign minister:
  // deployments and sanctions "raise doubts about the other party's
  // seriousness" (chasm).
  Talks& t = run.talks;
  Rng& rng = run.stream(stream_);
  const auto& principals = run.negotiation().principals();
  for (const Own& o : coercers_) {
    if (!rng.bernoulli(run.param(o.hazard))) continue;
    run.record(coerces_, static_cast<int>(o.agent));
    t.pressure[o.target] = std::min(1.0, t.pressure[o.target] + run.param(o.pressure));
    if (std::find(principals.begin(), principals.end(), o.agent) != principals.end()) {
      t.trust_in[o.target][o.agent] *= 1 - run.param(o.trust_shock);
      average_trust(t, principals);
    }
  }
}

}  // namespace negsim::model
