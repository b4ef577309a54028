#include "negsim/detail/scenario_variants.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>

#include "negsim/detail/yaml_check.hpp"

namespace negsim {
namespace detail {
namespace {

constexpr std::size_t kMaxBaseDepth = 8;

/// A distribution is a mapping of exactly one kind to a list or mapping of
/// arguments; a mapping of names (issues, agents) that merely contains a
/// name like "uniform" is not one.
bool is_distribution(const YNode& n) {
  if (!n.is_map() || n.entries.size() != 1) return false;
  const auto& [k, v] = n.entries.front();
  return k.is_scalar() && (v.is_sequence() || v.is_map()) &&
         std::find(kDistributionKinds.begin(), kDistributionKinds.end(), k.scalar) !=
             kDistributionKinds.end();
}

/// The field a lone number or distribution sets at `path` (agents.NAME.BLOCK
/// or mechanisms.BLOCK) when that block declares a shorthand; null elsewhere.
const std::string* shorthand_at(const std::vector<ExtensionBlock>& blocks,
                                const std::vector<std::string>& path) {
  const bool agent = path.size() == 3 && path[0] == "agents";
  const bool talks = path.size() == 2 && path[0] == "mechanisms";
  if (!agent && !talks) return nullptr;
  for (const ExtensionBlock& b : blocks) {
    if (b.name == path.back() && b.roles.empty() == talks && !b.shorthand.empty()) {
      return &b.shorthand;
    }
  }
  return nullptr;
}

/// Sets `value` as the shorthand field of the block `node` (a mapping), if
/// `value` is a lone number or distribution and the block at `path` has a
/// shorthand: `concession: 0.1` over `{tactic: time, ...}` changes the rate
/// and keeps the tactic. Returns whether it did.
bool set_shorthand(YNode& node, const YNode& value, const std::vector<ExtensionBlock>& blocks,
                   const std::vector<std::string>& path) {
  if (!node.is_map() || is_distribution(node)) return false;
  if (!value.is_scalar() && !is_distribution(value)) return false;
  const std::string* field = shorthand_at(blocks, path);
  if (!field) return false;
  if (YNode* existing = node.find(*field)) {
    *existing = value;
  } else {
    YNode key;
    key.kind = YNode::Kind::scalar;
    key.scalar = *field;
    key.loc = value.loc;
    node.entries.emplace_back(std::move(key), value);
  }
  return true;
}

/// Lays `changes` over `base`: mappings merge key by key, a number,
/// distribution or list replaces (a lone number or distribution over a
/// block with a shorthand sets that field), `~` deletes the key, and the
/// top-level `sources` lists concatenate. A key repeated in `changes` is
/// kept twice so that validation reports the duplicate. `path`: where
/// `base` is in the file.
void merge_into(YNode& base, const YNode& changes, bool top_level,
                const std::vector<ExtensionBlock>& blocks, std::vector<std::string>& path) {
  std::set<std::string> seen;
  for (const YEntry& change : changes.entries) {
    const YNode& key = change.first;
    const YNode& value = change.second;
    if (!key.is_scalar() || !seen.insert(key.scalar).second) {
      base.entries.emplace_back(key, value);
      continue;
    }
    auto it = std::find_if(base.entries.begin(), base.entries.end(), [&](const auto& e) {
      return e.first.is_scalar() && e.first.scalar == key.scalar;
    });
    if (it == base.entries.end()) {
      base.entries.emplace_back(key, value);
    } else if (value.is_null()) {
      base.entries.erase(it);
    } else if (top_level && key.scalar == "sources" && it->second.is_sequence() &&
               value.is_sequence()) {
      it->second.items.insert(it->second.items.end(), value.items.begin(), value.items.end());
    } else if (it->second.is_map() && value.is_map() && !is_distribution(it->second) &&
               !is_distribution(value)) {
      path.push_back(key.scalar);
      merge_into(it->second, value, false, blocks, path);
      path.pop_back();
    } else {
      path.push_back(key.scalar);
      if (!set_shorthand(it->second, value, blocks, path)) it->second = value;
      path.pop_back();
    }
  }
}

}  // namespace

std::vector<std::string> split_path(const Override& o) {
  std::vector<std::string> parts;
  std::string part;
  for (char ch : o.path) {
    if (ch == '.') {
      parts.push_back(part);
      part.clear();
    } else {
      part += ch;
    }
  }
  parts.push_back(part);
  for (const auto& p : parts) {
    if (p.empty()) {
      throw UsageError("--set " + o.text + ": empty segment in path \"" + o.path +
                       "\" (expected names separated by single dots)");
    }
  }
  return parts;
}

/// Applies one override to the tree. A path that cannot be followed is
/// reported in `problems` and the override skipped, so the rest still gets
/// validated.
void apply_override(YNode& root, const Override& o, const detail::ParseLimits& limits,
                    const std::vector<ExtensionBlock>& blocks, std::vector<Diagnostic>& problems) {
  const std::vector<std::string> parts = split_path(o);
  const SourceLoc where{"--set " + o.text, 0, 0};
  YNode value;
  try {
    value = detail::parse_yaml_text(o.value, where.file, limits, false);
    value.round_whole = o.from_design && value.is_scalar();
  } catch (const ScenarioError& e) {
    problems.insert(problems.end(), e.diagnostics().begin(), e.diagnostics().end());
    return;
  }
  YNode* node = &root;
  std::string walked;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    if (node->is_null()) {
      node->kind = YNode::Kind::map;
      node->loc = where;
    }
    YNode* next = nullptr;
    if (node->is_map()) {
      next = node->find(part);
      if (!next && i + 1 < parts.size() && i == 1 &&
          (parts[0] == "agents" || parts[0] == "issues")) {
        // A field of an agent or issue the file does not have: a misspelt
        // name, not a new agent (which would be given whole).
        const bool agents = parts[0] == "agents";
        std::vector<std::string> names;
        for (const auto& e : node->entries) {
          if (e.first.is_scalar()) names.push_back(e.first.scalar);
        }
        const auto near = detail::closest_match(part, names);
        problems.push_back(Diagnostic{
            where, join_path(walked, part),
            std::string(agents ? "unknown agent" : "unknown issue") + " (got " + in_quotes(part) +
                (near ? ", did you mean " + in_quotes(*near) + "?)"
                      : ", expected one of " + detail::join_alternatives(names) + ")") +
                "; to add one, give it whole: --set '" + parts[0] + "." + part + "={...}'"});
        return;
      }
      if (!next) {
        // A new key: validation reports it if it is not a field.
        YNode key;
        key.kind = YNode::Kind::scalar;
        key.scalar = part;
        key.loc = where;
        YNode empty;
        empty.loc = where;
        node->entries.emplace_back(std::move(key), std::move(empty));
        next = &node->entries.back().second;
      }
    } else if (node->is_sequence()) {
      std::size_t index = 0;
      auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), index);
      if (ec != std::errc() || end != part.data() + part.size() || index >= node->items.size()) {
        problems.push_back(Diagnostic{where, join_path(walked, part),
                                      "no such element (got " + in_quotes(part) +
                                          ", expected an index in [0, " +
                                          std::to_string(node->items.size()) + ") of " +
                                          (walked.empty() ? "the file" : walked) + ")"});
        return;
      }
      next = &node->items[index];
    } else {
      problems.push_back(Diagnostic{where, join_path(walked, part),
                                    "cannot set a field inside " +
                                        (walked.empty() ? std::string("the file") : walked) +
                                        " (got " + describe(*node) + ", expected a mapping)"});
      return;
    }
    walked = join_path(walked, part);
    node = next;
  }
  if (!set_shorthand(*node, value, blocks, parts)) *node = std::move(value);
}

/// Resolves `base:` (recursively), returning the merged tree.
YNode resolve_base(YNode root, const std::string& path, std::vector<std::string>& chain,
                   const detail::ParseLimits& limits, const std::vector<ExtensionBlock>& blocks) {
  namespace fs = std::filesystem;
  if (!root.is_map()) return root;
  auto it = std::find_if(root.entries.begin(), root.entries.end(), [](const auto& e) {
    return e.first.is_scalar() && e.first.scalar == "base";
  });
  if (it == root.entries.end()) return root;
  const YNode key = it->first, value = it->second;
  root.entries.erase(it);
  auto fail = [&](const std::string& message) {
    throw ScenarioError({Diagnostic{value.loc, "base", message}});
  };
  if (!value.is_scalar() || value.scalar.empty()) {
    fail("wrong type (got " + describe(value) +
         ", expected the path of the scenario this one changes)");
  }
  const fs::path base_path = fs::path(path).parent_path() / value.scalar;
  std::error_code ec;
  const std::string id = fs::weakly_canonical(base_path, ec).string();
  chain.push_back(fs::weakly_canonical(path, ec).string());
  if (std::find(chain.begin(), chain.end(), id) != chain.end()) {
    std::string cycle;
    for (const auto& c : chain) cycle += fs::path(c).filename().string() + " -> ";
    fail("circular base (" + cycle + fs::path(id).filename().string() + ")");
  }
  if (chain.size() > kMaxBaseDepth) {
    fail("bases nested deeper than " + std::to_string(kMaxBaseDepth) + " files");
  }
  if (!fs::is_regular_file(base_path, ec)) {
    fail((fs::exists(base_path, ec) ? "not a regular file (got " : "file does not exist (got ") +
         in_quotes(value.scalar) + ", looked for " + base_path.string() + ")");
  }
  YNode base = resolve_base(detail::parse_yaml_file(base_path.string(), limits), base_path.string(),
                            chain, limits, blocks);
  chain.pop_back();
  if (!base.is_map()) return root;  // validation reports the base's shape
  std::vector<std::string> at;
  merge_into(base, root, true, blocks, at);
  return base;
}

}  // namespace detail

Override parse_override(std::string_view arg) {
  const auto eq = arg.find('=');
  if (eq == std::string_view::npos) {
    throw UsageError("--set " + std::string(arg) +
                     ": expected path=value (for example agents.us.trust=0.4)");
  }
  Override o{std::string(arg.substr(0, eq)), std::string(arg.substr(eq + 1)), std::string(arg)};
  if (o.path.empty()) {
    throw UsageError("--set " + o.text +
                     ": missing path before '=' (for example agents.us.trust=0.4)");
  }
  detail::split_path(o);  // reports empty segments now, before any file is read
  return o;
}

}  // namespace negsim
