// Coercion short of force: an agent that coerces a principal (deployments, new sanctions) raises
// its pressure each time it does and costs the coercer that principal's trust (docs/MODEL.md,
// mechanism "coercion").
#pragma once

#include <vector>

#include "negsim/mechanism.hpp"

namespace negsim::model {

class Coercion final : public Mechanism {
 public:
  const char* name() const override { return "coercion"; }
  /// `agents.NAME.coercion` (docs/SCENARIO.md).
  static std::vector<ExtensionBlock> extensions();
  void declare(Setup& setup) override;
  void step(Run& run) const override;

 private:
  struct Own {
    std::size_t agent = 0, target = 0;
    ParamId hazard = kNoParam, pressure = kNoParam, trust_shock = kNoParam;
  };
  std::vector<Own> coercers_;
  StreamId stream_ = 0;
  EventKind coerces_ = 0;
};

}  // namespace negsim::model
