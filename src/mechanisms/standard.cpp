#include "negsim/mechanisms/standard.hpp"

#include "negsim/mechanisms/acceptance.hpp"
#include "negsim/mechanisms/agents.hpp"
#include "negsim/mechanisms/coercion.hpp"
#include "negsim/mechanisms/concession.hpp"
#include "negsim/mechanisms/decision.hpp"
#include "negsim/mechanisms/domestic.hpp"
#include "negsim/mechanisms/drafting.hpp"
#include "negsim/mechanisms/implementation.hpp"
#include "negsim/mechanisms/lobbying.hpp"
#include "negsim/mechanisms/snapback.hpp"
#include "negsim/mechanisms/strikes.hpp"
#include "negsim/mechanisms/trust.hpp"
#include "negsim/mechanisms/walkout.hpp"
#include "negsim/scenario_yaml.hpp"

namespace negsim::model {

const std::vector<MechanismEntry>& standard_entries() {
  static const std::vector<MechanismEntry> kEntries{
      mechanism_entry<Agents>(),          // preferences, red lines, trust (no step)
      mechanism_entry<Domestic>(),        // 1. unrest and leadership change
      mechanism_entry<Coercion>(),        // 1b. coercion short of force
      mechanism_entry<Lobbying>(),        // 2. spoilers and enforcers pull positions
      mechanism_entry<Drafting>(),        // 3. the mediator's full and interim texts
      mechanism_entry<Acceptance>(),      // 4. how each principal sees the texts
      mechanism_entry<Strikes>(),         // 5. spoiler strikes
      mechanism_entry<Snapback>(),        // 6. the enforcer's snapback
      mechanism_entry<Decision>(),        // 7. deals, with ratification
      mechanism_entry<Implementation>(),  // 7b. an interim deal in force: kept or broken
      mechanism_entry<Walkout>(),         // 8. walk-outs at the reservation
      mechanism_entry<Concession>(),      // 9. aspirations fall
      mechanism_entry<Trust>(),           // 10. trust between pairs grows by reciprocity
  };
  return kEntries;
}

std::vector<std::unique_ptr<Mechanism>> make_mechanisms(const std::vector<MechanismEntry>& list) {
  std::vector<std::unique_ptr<Mechanism>> out;
  for (const MechanismEntry& e : list) out.push_back(e.make());
  return out;
}

std::vector<ExtensionBlock> extensions_of(const std::vector<MechanismEntry>& list) {
  std::vector<ExtensionBlock> out;
  for (const MechanismEntry& e : list) {
    for (ExtensionBlock& b : e.extensions()) out.push_back(std::move(b));
  }
  return out;
}

std::vector<std::unique_ptr<Mechanism>> standard_mechanisms() {
  return make_mechanisms(standard_entries());
}

std::vector<ExtensionBlock> standard_extensions() { return extensions_of(standard_entries()); }

}  // namespace negsim::model

namespace negsim {

const std::vector<ExtensionBlock>& standard_fields() {
  static const std::vector<ExtensionBlock> kFields = model::standard_extensions();
  return kFields;
}

}  // namespace negsim
