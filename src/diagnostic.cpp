#include "negsim/diagnostic.hpp"

namespace negsim {
namespace {

std::string join_messages(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) {
    if (!out.empty()) out += '\n';
    out += d.str();
  }
  return out;
}

}  // namespace

std::string Diagnostic::str() const {
  std::string out = loc.file;
  if (loc.line > 0) {
    out += ':' + std::to_string(loc.line) + ':' + std::to_string(loc.column);
  }
  out += ": ";
  if (!path.empty()) out += path + ": ";
  out += message;
  return out;
}

ScenarioError::ScenarioError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(join_messages(diagnostics)), diagnostics_(std::move(diagnostics)) {}

}  // namespace negsim
