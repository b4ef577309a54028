// The standard mechanisms of the model, in round order: the one place that
// lists them (docs/ARCHITECTURE.md).
#pragma once

#include <memory>
#include <vector>

#include "negsim/mechanism.hpp"

namespace negsim::model {

/// One mechanism of a model: how to make it, and the fields it adds to the
/// scenario format (a mechanism class with a static `extensions()` adds
/// those; see mechanism_entry).
struct MechanismEntry {
  std::unique_ptr<Mechanism> (*make)();
  std::vector<ExtensionBlock> (*extensions)();
};

/// The entry of mechanism class M: one line of a registration list.
template <class M>
MechanismEntry mechanism_entry() {
  MechanismEntry e{[]() -> std::unique_ptr<Mechanism> { return std::make_unique<M>(); },
                   []() { return std::vector<ExtensionBlock>{}; }};
  if constexpr (requires { M::extensions(); }) e.extensions = &M::extensions;
  return e;
}

/// The standard model's registration list, in round order: agents,
/// domestic, lobbying, drafting, acceptance, strikes, snapback, decision,
/// walkout, concession.
const std::vector<MechanismEntry>& standard_entries();

/// The mechanisms of a registration list, made anew (one set per
/// Negotiation), and the fields they add to the format (for LoadOptions).
std::vector<std::unique_ptr<Mechanism>> make_mechanisms(const std::vector<MechanismEntry>& list);
std::vector<ExtensionBlock> extensions_of(const std::vector<MechanismEntry>& list);

/// make_mechanisms(standard_entries()) and extensions_of(standard_entries()).
std::vector<std::unique_ptr<Mechanism>> standard_mechanisms();
std::vector<ExtensionBlock> standard_extensions();

}  // namespace negsim::model
