// How each principal sees the texts: perceived value under mistrust, acceptance, progress
// (docs/MODEL.md, mechanism "acceptance").
#pragma once

#include <array>
#include <vector>

#include "negsim/mechanism.hpp"

namespace negsim::model {

class Acceptance final : public Mechanism {
 public:
  const char* name() const override { return "acceptance"; }
  void declare(Setup& setup) override;
  void start(Run& run) const override;
  void step(Run& run) const override;

 private:
  FieldId aspiration_ = 0, reservation_ = 0, trust_ = 0, pressure_ = 0, value_full_ = 0,
          value_interim_ = 0, accepts_full_ = 0, accepts_interim_ = 0, progress_ = 0;
  /// With three principals or more: per principal j, the field "trust in j".
  std::array<FieldId, kMaxAgents> trust_in_{};
  bool pairs_ = false;
  /// Mediators' guarantees and leverage (docs/MODEL.md §2, §3.9).
  std::vector<ParamId> guarantees_;  ///< per mediator
  struct Lever {
    ParamId value = kNoParam;
    std::size_t on = 0;
  };
  std::vector<Lever> levers_;
  FieldId guaranteed_ = 0, leverage_ = 0;
};

}  // namespace negsim::model
