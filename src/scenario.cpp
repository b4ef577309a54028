#include "negsim/scenario.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "negsim/detail/overloaded.hpp"

namespace negsim {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

using detail::Overloaded;

}  // namespace

double Param::support_min() const {
  return std::visit(
      Overloaded{
          [](const Constant& d) { return d.value; },
          [](const Uniform& d) { return d.min; },
          [](const Normal& d) { return d.min.value_or(-kInf); },
          [](const Beta& d) { return d.min; },
          [](const Triangular& d) { return d.min; },
          [](const Choice& d) {
            return d.values.empty() ? kInf : *std::min_element(d.values.begin(), d.values.end());
          },
      },
      dist);
}

double Param::support_max() const {
  return std::visit(
      Overloaded{
          [](const Constant& d) { return d.value; },
          [](const Uniform& d) { return d.max; },
          [](const Normal& d) { return d.max.value_or(kInf); },
          [](const Beta& d) { return d.max; },
          [](const Triangular& d) { return d.max; },
          [](const Choice& d) {
            return d.values.empty() ? -kInf : *std::max_element(d.values.begin(), d.values.end());
          },
      },
      dist);
}

const char* Param::kind_name() const {
  static constexpr const char* kNames[] = {"constant", "uniform",    "normal",
                                           "beta",     "triangular", "choice"};
  return kNames[dist.index()];
}

const char* to_string(Role r) {
  switch (r) {
    case Role::principal:
      return "principal";
    case Role::spoiler:
      return "spoiler";
    case Role::enforcer:
      return "enforcer";
    case Role::mediator:
      return "mediator";
  }
  return "?";
}

const char* to_string(TextRule r) {
  switch (r) {
    case TextRule::nash:
      return "nash";
    case TextRule::compromise:
      return "compromise";
  }
  return "?";
}

const char* to_string(RatificationFailure r) {
  switch (r) {
    case RatificationFailure::resume:
      return "resume";
    case RatificationFailure::phase:
      return "phase";
  }
  return "?";
}

Param ExtensionBlock::default_of(std::string_view field) const {
  for (const ExtensionField& f : fields) {
    if (f.name == field && f.value) return Param(*f.value);
  }
  throw std::logic_error("block \"" + name + "\" declares no default for \"" + std::string(field) +
                         "\"");
}

const ExtensionValue* Scenario::extension_value(int agent, std::string_view block,
                                                std::string_view field) const {
  const auto& blocks = agent < 0 ? extensions : agents[static_cast<std::size_t>(agent)].extensions;
  for (const auto& [block_name, values] : blocks) {
    if (block_name != block) continue;
    for (const ExtensionValue& v : values) {
      if (v.name == field) return &v;
    }
  }
  return nullptr;
}

const Param* Scenario::extension(int agent, std::string_view block, std::string_view field) const {
  const ExtensionValue* v = extension_value(agent, block, field);
  return v && v->type == FieldType::number ? &v->number : nullptr;
}

std::optional<std::size_t> Scenario::issue_index(std::string_view wanted) const {
  for (std::size_t i = 0; i < issues.size(); ++i) {
    if (issues[i].name == wanted) return i;
  }
  return std::nullopt;
}

std::optional<std::size_t> Scenario::agent_index(std::string_view wanted) const {
  for (std::size_t i = 0; i < agents.size(); ++i) {
    if (agents[i].name == wanted) return i;
  }
  return std::nullopt;
}

}  // namespace negsim
