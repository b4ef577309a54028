// Implementation of an interim deal in force: each round each principal keeps or breaks it, with
// a hazard that falls with its trust and rises with its pressure and the others' breaches; kept
// rounds build trust, a breach costs it and may end the talks (cause `reneged`) (docs/MODEL.md,
// mechanism "implementation").
#pragma once

#include <vector>

#include "negsim/mechanism.hpp"

namespace negsim::model {

class Implementation final : public Mechanism {
 public:
  const char* name() const override { return "implementation"; }
  /// `mechanisms.implementation` (docs/SCENARIO.md).
  static std::vector<ExtensionBlock> extensions();
  /// Whether the scenario's interim deals are stepping stones (the default)
  /// rather than the end of the run.
  static bool stepping_stones(const Scenario& s);
  void declare(Setup& setup) override;
  void step(Run& run) const override;

 private:
  bool active_ = false;
  ParamId breach_ = kNoParam, contagion_ = kNoParam, ends_ = kNoParam, shock_ = kNoParam,
          verification_ = kNoParam;
  StreamId stream_ = 0;
  EventKind breach_event_ = 0;
  Cause reneged_ = 0;
  FieldId hazard_ = 0;
};

}  // namespace negsim::model
