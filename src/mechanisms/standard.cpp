#include "negsim/mechanisms/standard.hpp"

#include "negsim/mechanisms/acceptance.hpp"
#include "negsim/mechanisms/agents.hpp"
#include "negsim/mechanisms/concession.hpp"
#include "negsim/mechanisms/decision.hpp"
#include "negsim/mechanisms/domestic.hpp"
#include "negsim/mechanisms/drafting.hpp"
#include "negsim/mechanisms/lobbying.hpp"
#include "negsim/mechanisms/snapback.hpp"
#include "negsim/mechanisms/strikes.hpp"
#include "negsim/mechanisms/walkout.hpp"

namespace negsim::model {

std::vector<std::unique_ptr<Mechanism>> standard_mechanisms() {
  std::vector<std::unique_ptr<Mechanism>> m;
  m.push_back(std::make_unique<Agents>());      // preferences, red lines, trust (no step)
  m.push_back(std::make_unique<Domestic>());    // 1. unrest and leadership change
  m.push_back(std::make_unique<Lobbying>());    // 2. spoilers and enforcers pull positions
  m.push_back(std::make_unique<Drafting>());    // 3. the mediator's full and interim texts
  m.push_back(std::make_unique<Acceptance>());  // 4. how each principal sees the texts
  m.push_back(std::make_unique<Strikes>());     // 5. spoiler strikes
  m.push_back(std::make_unique<Snapback>());    // 6. the enforcer's snapback
  m.push_back(std::make_unique<Decision>());    // 7. deals, with ratification
  m.push_back(std::make_unique<Walkout>());     // 8. walk-outs at the reservation
  m.push_back(std::make_unique<Concession>());  // 9. aspirations fall, trust grows
  return m;
}

}  // namespace negsim::model
