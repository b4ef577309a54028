// Domestic shocks in the principals: unrest raises the urge to settle, a leadership change redraws
// positions (docs/MODEL.md, mechanism "domestic").
#pragma once

#include <array>
#include <vector>

#include "negsim/mechanism.hpp"

namespace negsim::model {

class Domestic final : public Mechanism {
 public:
  const char* name() const override { return "domestic"; }
  void declare(Setup& setup) override;
  void start(Run& run) const override;
  void step(Run& run) const override;

 private:
  struct Own {
    ParamId pressure = kNoParam, unrest = kNoParam, leadership = kNoParam;
    std::array<ParamId, kMaxIssues> successor{};  ///< kNoParam: a random step on that issue
  };
  std::vector<Own> own_;  ///< per agent
  ParamId unrest_pressure_ = kNoParam, leadership_shift_ = kNoParam;
  StreamId stream_ = 0;
  EventKind unrest_ = 0, leadership_change_ = 0;
};

}  // namespace negsim::model
