// The standard mechanisms of the model, in round order: the one place that
// lists them (docs/ARCHITECTURE.md).
#pragma once

#include <memory>
#include <vector>

#include "negsim/mechanism.hpp"

namespace negsim::model {

/// agents, domestic, lobbying, drafting, acceptance, strikes, snapback,
/// decision, walkout, concession: each round steps through them in this order.
std::vector<std::unique_ptr<Mechanism>> standard_mechanisms();

}  // namespace negsim::model
