// The agents' drawn preferences: capability, risk, ideals, saliences, reservations, trust and red
// lines (docs/MODEL.md, mechanism "agents").
#pragma once

#include <array>
#include <vector>

#include "negsim/mechanism.hpp"

namespace negsim::model {

class Agents final : public Mechanism {
 public:
  const char* name() const override { return "agents"; }
  void declare(Setup& setup) override;
  void start(Run& run) const override;

 private:
  struct Own {
    ParamId capability = kNoParam, risk = kNoParam, reservation = kNoParam, trust = kNoParam;
    std::array<ParamId, kMaxIssues> ideal{}, salience{}, red_lo{}, red_hi{};
    std::array<ParamId, kMaxAgents> trust_in{};  ///< per other principal, where the file gives it
    bool anchored = false;  ///< the reservation is the utility of `anchor` plus the parameter
    IssueVec anchor{};      ///< normalised: the status quo or a named text
  };
  std::vector<Own> own_;  ///< per agent
};

}  // namespace negsim::model
