// Concession: each principal's aspiration moves from where it starts toward its reservation by
// its tactic (geometric, time-dependent toward a deadline, imitative, tit-for-tat), faster under
// pressure, slower under mistrust; an ultimatum that passes ends the talks (docs/MODEL.md,
// mechanism "concession").
#pragma once

#include <array>
#include <vector>

#include "negsim/mechanism.hpp"

namespace negsim::model {

class Concession final : public Mechanism {
 public:
  const char* name() const override { return "concession"; }
  /// `agents.NAME.concession` of principals (docs/SCENARIO.md).
  static std::vector<ExtensionBlock> extensions();
  void declare(Setup& setup) override;
  void start(Run& run) const override;
  void step(Run& run) const override;

  /// How a principal concedes (Faratin, Sierra & Jennings 1998).
  enum class Tactic : std::uint8_t { geometric, time, imitative, tit_for_tat };
  /// What a principal does when its deadline passes without a deal.
  enum class OnDeadline : std::uint8_t { walkout, stay };

  /// Under complete mistrust a principal concedes at this share of its
  /// pace; the share rises linearly to 1 at complete trust.
  static constexpr double kMistrustPace = 0.5;
  /// A fall of aspiration smaller than this is no concession (for the
  /// share of a gap an imitator copies).
  static constexpr double kConceded = 1e-9;
  /// Where a principal's aspiration starts when the file does not say: this
  /// share of the way from its reservation to its ideal (a judgement,
  /// docs/MODEL.md).
  static constexpr double kDefaultStart = 0.75;

 private:
  struct Own {
    std::size_t agent = 0;
    Tactic tactic = Tactic::geometric;
    OnDeadline on_deadline = OnDeadline::walkout;
    ParamId rate = kNoParam, beta = kNoParam, start = kNoParam, deadline = kNoParam;
  };
  struct State {
    std::array<double, kMaxAgents> opening;  ///< aspiration minus reservation at the start
    std::array<double, kMaxAgents> clock;    ///< time tactic: share of the time to the deadline
    std::array<double, kMaxAgents> drop;     ///< last round's fall of aspiration
    std::array<double, kMaxAgents> share;    ///< last round's fall as a share of the gap
    bool conceded_before;                    ///< a round has passed (imitators have a model)
  };
  std::vector<Own> principals_;
  std::size_t state_ = 0;
  FieldId pace_ = 0;
  EventKind deadline_ = 0;
  Cause deadline_cause_ = 0;
};

}  // namespace negsim::model
