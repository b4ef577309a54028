// Concession: aspirations fall toward the reservation, faster under pressure, slower under
// mistrust; trust grows when all concede (docs/MODEL.md, mechanism "concession").
#pragma once

#include <array>
#include <vector>

#include "negsim/mechanism.hpp"

namespace negsim::model {

class Concession final : public Mechanism {
 public:
  const char* name() const override { return "concession"; }
  void declare(Setup& setup) override;
  void step(Run& run) const override;

  /// Under complete mistrust a principal concedes at this share of its
  /// rate; the share rises linearly to 1 at complete trust.
  static constexpr double kMistrustPace = 0.5;
  /// A fall of aspiration smaller than this is no concession (for trust).
  static constexpr double kConceded = 1e-9;

 private:
  std::vector<ParamId> rate_;  ///< per agent
  ParamId trust_gain_ = kNoParam;
  FieldId pace_ = 0;
};

}  // namespace negsim::model
