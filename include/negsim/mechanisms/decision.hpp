// Decisions: a text the decision rule carries (every principal by default; a qualified
// majority, with veto players on named issues) becomes a deal once the legislatures whose caps it
// exceeds ratify it (docs/MODEL.md, mechanism "decision").
#pragma once

#include <array>
#include <vector>

#include "negsim/mechanism.hpp"

namespace negsim::model {

class Decision final : public Mechanism {
 public:
  const char* name() const override { return "decision"; }
  /// `mechanisms.voting` and `agents.NAME.vote` of principals (docs/SCENARIO.md).
  static std::vector<ExtensionBlock> extensions();
  void declare(Setup& setup) override;

  /// A qualified majority (Treaty on European Union, Art. 16(4), for the EU
  /// Council's): carried when the accepting principals are at least a share
  /// `members` of all and hold at least a share `weight` of the voting
  /// weight, or when fewer than `blocking` principals refuse.
  struct Qualified {
    double members = 0.55, weight = 0.65;
    int blocking = 1;
  };
  static bool carried(const Qualified& rule, const bool* accepts, const double* weights,
                      std::size_t n);
  void step(Run& run) const override;

  /// An executive with no cap on an issue: above any text (normalised); and
  /// with no floor, below any text.
  static constexpr double kNoCap = 2.0;
  static constexpr double kNoFloor = -1.0;
  /// Slack when comparing a text with a cap (normalised units).
  static constexpr double kCapSlack = 1e-12;
  /// Slack when comparing a share of members or weight with its threshold.
  static constexpr double kShareSlack = 1e-12;

 private:
  struct Own {
    ParamId ratification = kNoParam;
    std::array<ParamId, kMaxIssues> cap{}, floor{};  ///< ceilings and floors (kNoParam: none)
  };
  bool ratify(Run& run, const IssueVec& x, const IssueMask& settles) const;
  /// Whether the rule carries a text the principals accept as `accepts` says.
  bool decides(const Run& run, const std::array<bool, kMaxAgents>& accepts,
               const IssueMask& settles) const;
  std::vector<Own> own_;  ///< per agent
  bool qualified_ = false;
  ParamId members_ = kNoParam, weight_ = kNoParam, blocking_ = kNoParam;
  std::vector<ParamId> vote_weight_;  ///< per principal (in principals() order)
  std::vector<std::uint16_t> veto_;   ///< per principal: the issues it holds a veto on (bit k)
  ParamId trust_shock_ = kNoParam;
  StreamId stream_ = 0;
  EventKind passed_ = 0, failed_ = 0, phased_ = 0, interim_in_force_ = 0;
  bool stepping_stones_ = false;  ///< an interim deal starts implementation (Implementation)
};

}  // namespace negsim::model
