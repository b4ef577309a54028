// Trust between pairs: each principal's trust in each other principal grows when that other
// concedes, in proportion to how much of its own concession the other answered (reciprocity), or
// fully when the other concedes alone (a costly signal) (docs/MODEL.md, mechanism "trust").
#pragma once

#include <vector>

#include "negsim/mechanism.hpp"

namespace negsim::model {

class Trust final : public Mechanism {
 public:
  const char* name() const override { return "trust"; }
  /// `mechanisms.trust` (docs/SCENARIO.md).
  static std::vector<ExtensionBlock> extensions();
  void declare(Setup& setup) override;
  void step(Run& run) const override;

  /// A concession smaller than this share of a gap is none.
  static constexpr double kConceded = 1e-9;

 private:
  ParamId gain_ = kNoParam, signal_ = kNoParam;
};

}  // namespace negsim::model
