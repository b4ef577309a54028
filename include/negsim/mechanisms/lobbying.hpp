// Lobbying: spoilers and enforcers pull the principals they influence toward their ideals
// (docs/MODEL.md, mechanism "lobbying").
#pragma once

#include <array>
#include <vector>

#include "negsim/mechanism.hpp"

namespace negsim::model {

class Lobbying final : public Mechanism {
 public:
  const char* name() const override { return "lobbying"; }
  void declare(Setup& setup) override;
  void step(Run& run) const override;

  /// Share of the gap to the lobbied position a principal moves each round.
  static constexpr double kPace = 0.5;

 private:
  struct Lobby {
    std::size_t lobbyist = 0, target = 0;
    ParamId weight = kNoParam;
  };
  std::vector<Lobby> lobbies_;  ///< in lobbyist order, then target order
  FieldId position_ = 0;
};

}  // namespace negsim::model
