// Decisions: a text every principal accepts becomes a deal once the legislatures whose caps it
// exceeds ratify it (docs/MODEL.md, mechanism "decision").
#pragma once

#include <array>
#include <vector>

#include "negsim/mechanism.hpp"

namespace negsim::model {

class Decision final : public Mechanism {
 public:
  const char* name() const override { return "decision"; }
  void declare(Setup& setup) override;
  void step(Run& run) const override;

  /// An executive with no cap on an issue: above any text (normalised).
  static constexpr double kNoCap = 2.0;
  /// Slack when comparing a text with a cap (normalised units).
  static constexpr double kCapSlack = 1e-12;

 private:
  struct Own {
    ParamId ratification = kNoParam;
    std::array<ParamId, kMaxIssues> cap{};
  };
  bool ratify(Run& run, const IssueVec& x, const IssueMask& settles) const;
  std::vector<Own> own_;  ///< per agent
  ParamId trust_shock_ = kNoParam;
  StreamId stream_ = 0;
  EventKind passed_ = 0, failed_ = 0, phased_ = 0;
};

}  // namespace negsim::model
