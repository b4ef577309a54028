// Spoiler strikes: a hazard that rises as agreement nears and as the text moves away from the
// spoiler (docs/MODEL.md, mechanism "strikes").
#pragma once

#include <array>
#include <vector>

#include "negsim/mechanism.hpp"

namespace negsim::model {

class Strikes final : public Mechanism {
 public:
  const char* name() const override { return "strikes"; }
  void declare(Setup& setup) override;
  void start(Run& run) const override;
  void step(Run& run) const override;

 private:
  struct Own {
    std::size_t agent = 0;
    bool principal = false;
    ParamId base = kNoParam, sensitivity = kNoParam, breakdown = kNoParam;
    /// Escalation; kNoParam where the file leaves them at 0 (no draw).
    ParamId after_deadline = kNoParam, drawn_in = kNoParam, red_lines = kNoParam,
            counter = kNoParam;
  };
  struct State {
    int strikes;                     ///< strikes (and counter-strikes) so far in the run
    std::array<int, kMaxAgents> by;  ///< per agent
  };
  /// Whether the strike ends the talks; records it either way.
  bool strike(Run& run, const Own& o, EventKind kind) const;
  std::vector<Own> strikers_;  ///< spoilers, and principals, with a strike option
  ParamId trust_shock_ = kNoParam;
  StreamId stream_ = 0;
  EventKind strike_ = 0, counter_ = 0;
  Cause cause_ = 0, force_ = 0;
  FieldId hazard_ = 0;
  std::size_t state_ = 0;
  bool counters_ = false;
};

}  // namespace negsim::model
