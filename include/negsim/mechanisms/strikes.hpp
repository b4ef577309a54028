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
  void step(Run& run) const override;

 private:
  struct Own {
    std::size_t agent = 0;
    ParamId base = kNoParam, sensitivity = kNoParam, breakdown = kNoParam;
  };
  std::vector<Own> strikers_;  ///< spoilers with a strike option
  ParamId trust_shock_ = kNoParam;
  StreamId stream_ = 0;
  EventKind strike_ = 0;
  Cause cause_ = 0;
  FieldId hazard_ = 0;
};

}  // namespace negsim::model
