// Walk-outs: a principal at its reservation that has seen no acceptable text for a while may leave
// (docs/MODEL.md, mechanism "walkout").
#pragma once

#include <array>
#include <vector>

#include "negsim/mechanism.hpp"

namespace negsim::model {

class Walkout final : public Mechanism {
 public:
  const char* name() const override { return "walkout"; }
  void declare(Setup& setup) override;
  void start(Run& run) const override;
  void step(Run& run) const override;

  /// A principal is "at its reservation" when its aspiration is this close
  /// (aspirations approach the reservation geometrically and never reach it).
  static constexpr double kAtReservation = 0.02;

 private:
  struct State {
    std::array<int, kMaxAgents> without_text;  ///< per principal: rounds without an acceptable text
  };
  std::size_t state_ = 0;
  ParamId patience_ = kNoParam, hazard_ = kNoParam;
  StreamId stream_ = 0;
  EventKind walkout_ = 0;
  Cause cause_ = 0;
  FieldId without_text_ = 0;
};

}  // namespace negsim::model
