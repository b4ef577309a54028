// Snapback: at its deadline an enforcer that sees too little progress restores the target's
// sanctions (docs/MODEL.md, mechanism "snapback").
#pragma once

#include <array>
#include <vector>

#include "negsim/mechanism.hpp"

namespace negsim::model {

class Snapback final : public Mechanism {
 public:
  const char* name() const override { return "snapback"; }
  void declare(Setup& setup) override;
  void start(Run& run) const override;
  void step(Run& run) const override;

 private:
  /// What a snapback does to one principal (kNoParam: nothing of that kind).
  struct Effect {
    std::size_t target = 0;
    ParamId reservation_drop = kNoParam, walkout_hazard = kNoParam, pressure = kNoParam;
  };
  struct Own {
    std::size_t agent = 0;
    ParamId deadline = kNoParam, progress_below = kNoParam;
    std::vector<Effect> effects;
  };
  struct State {
    std::array<bool, kMaxAgents> judged;            ///< per enforcer: its deadline has passed
    std::array<double, kMaxAgents> walkout_hazard;  ///< per principal
  };
  std::vector<Own> enforcers_;  ///< enforcers with a snapback threat
  std::size_t state_ = 0;
  ParamId reservation_drop_ = kNoParam, walkout_hazard_ = kNoParam;
  StreamId stream_ = 0;
  EventKind snapback_ = 0, walkout_ = 0;
  Cause cause_ = 0;
};

}  // namespace negsim::model
